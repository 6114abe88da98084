"""Mutation tests for theory.index_patterns: pattern counts (Bell numbers and their signed analogue), realisation
counts against brute-force enumeration of index tuples, pattern forms against the matrix functionals they stand
for in both contexts, and the algebra and error cases of pattern forms (benchmarks/mutation.md)."""

from itertools import product

import pytest
import sympy

from ical_verify.theory import index_patterns as ip

CONTEXTS = ("unitary", "orthogonal")


def _partner(i: int) -> int:
    return i ^ 1                                            # 0-based: 2m <-> 2m + 1


def _matrix(d: int) -> sympy.Matrix:
    return sympy.Matrix(d, d, lambda i, j: 10 * i + j + 1)


@pytest.mark.parametrize("context, counts", [("unitary", [1, 1, 2, 5, 15]),          # Bell numbers
                                              ("orthogonal", [1, 1, 3, 11, 49])])     # sum over partitions 2^(n-b)
def test_number_of_patterns(context, counts):
    assert [len(ip.patterns(n, context)) for n in range(5)] == counts


@pytest.mark.parametrize("context", CONTEXTS)
def test_patterns_are_canonical_and_distinct(context):
    for n in range(4):
        pats = ip.patterns(n, context)
        assert len(set(pats)) == len(pats)
        for pat in pats:
            seen = []
            for b, s in pat:
                if b not in seen:
                    assert b == len(seen) and s == 1           # blocks numbered in order, first sign +1
                    seen.append(b)
            assert ip.restrict(pat, range(n)) == pat


def test_orthogonal_pairs_and_partners():
    assert [ip.coordinate(i, "orthogonal") for i in range(5)] == [(0, 1), (0, -1), (1, 1), (1, -1), (2, 1)]
    assert [ip.coordinate(i, "unitary") for i in range(3)] == [(0, 1), (1, 1), (2, 1)]
    assert ip.pattern_of((1, 0), "orthogonal") == ((0, 1), (0, -1))
    assert ip.pattern_of((1, 0, 3, 2, 1), "orthogonal") == ((0, 1), (0, -1), (1, 1), (1, -1), (0, 1))
    assert ip.pattern_of((0, 1), "unitary") == ((0, 1), (1, 1))
    assert ip.pattern_of(()) == ()
    assert ip.restrict(((0, 1), (1, 1), (1, -1)), (2, 1)) == ((0, 1), (0, -1))
    assert ip.patterns(2, "orthogonal") == [((0, 1), (0, 1)), ((0, 1), (0, -1)), ((0, 1), (1, 1))]


@pytest.mark.parametrize("context", CONTEXTS)
@pytest.mark.parametrize("n", [1, 2, 3])
@pytest.mark.parametrize("size", [1, 2, 3])
def test_realisations_count_the_index_tuples_of_each_pattern(context, n, size):
    d = size if context == "unitary" else 2 * size
    tuples = list(product(range(d), repeat=n))
    for pat in ip.patterns(n, context):
        count = sum(ip.pattern_of(t, context) == pat for t in tuples)
        assert ip.realisations(pat, size, context) == count
        fixed = sum(ip.pattern_of(t, context) == pat for t in tuples if t[0] == 0)
        assert ip.realisations(pat, size, context, fixed_first=True) == fixed
        # the same count as a polynomial in the size (row_total of a form with this one coefficient)
        if n in (2, 3):
            form = ip.PatternForm(context, quad={pat: 1}) if n == 3 else ip.PatternForm(context, lin={pat: 1})
            assert form.row_total(size) == fixed
            assert form.row_total(sympy.Symbol("s")).subs("s", size) == fixed


def test_more_blocks_than_the_size_allows_have_no_realisation():
    assert ip.realisations(((0, 1), (1, 1), (2, 1)), 2) == 0
    assert ip.realisations(((0, 1), (1, 1), (2, 1)), 1) == 0
    assert ip.realisations(((0, 1), (1, 1)), 1, "orthogonal", fixed_first=True) == 0


def test_reduction_sizes_and_blocks():
    assert ip.reduction_sizes(1) == [1] and ip.reduction_sizes(4) == [1, 2, 3, 4]
    assert ip.n_blocks(()) == 0 and ip.n_blocks(((0, 1), (0, -1))) == 1


def test_descriptions():
    assert ip.describe(((0, 1),), ("i",)) == "any"
    assert ip.describe(((0, 1), (1, 1), (1, -1)), ("i", "j", "k")) == "j new; k = partner(j)"
    assert ip.describe(((0, 1), (1, 1), (0, 1)), ("i", "j", "k")) == "j new; k = i"
    assert ip.describe(((0, 1), (0, -1), (0, 1)), ("i", "j", "k")) == "j = partner(i); k = i"


# pattern forms against the functionals they stand for ---------------------------------------------------------------
@pytest.mark.parametrize("d", [2, 4])
def test_orthogonal_building_blocks_evaluate_to_their_functionals(d):
    o, C = "orthogonal", _matrix(d)
    blocks = [{i, _partner(i)} for i in range(d)]
    assert ip.row_sum(o).evaluate(C) == sum(C)
    assert ip.diagonal(o).evaluate(C) == C.trace()
    assert ip.partner(o).evaluate(C) == sum(C[i, _partner(i)] for i in range(d))
    assert ip.row_norm_sq(o).evaluate(C) == sum(x ** 2 for x in C)
    assert ip.off_block_norm_sq(o).evaluate(C) == sum(C[i, j] ** 2 for i in range(d) for j in range(d)
                                                      if j not in blocks[i])
    assert ip.constant(3, o).evaluate(C) == 3 * d
    assert (ip.row_sum(o) ** 2).evaluate(C) == sum(sum(C.row(i)) ** 2 for i in range(d))


@pytest.mark.parametrize("context", CONTEXTS)
def test_row_totals_are_the_values_on_the_all_ones_matrix(context):
    s = sympy.Symbol("s")
    forms = [ip.row_sum(context) ** 2, ip.row_norm_sq(context), 3 * ip.diagonal(context) - 2,
             (ip.row_sum(context) + 1) * (ip.diagonal(context) - 2)]
    if context == "orthogonal":
        forms += [ip.partner(), ip.off_block_norm_sq(), (ip.partner() - ip.diagonal(context)) ** 2]
    for f in forms:
        for size in (1, 2, 3):
            d = size if context == "unitary" else 2 * size
            assert f.evaluate(sympy.ones(d, d)) == d * f.row_total(size) == d * f.row_total(s).subs(s, size)


def _rows(form_values, d):
    return [form_values(i) for i in range(d)]


@pytest.mark.parametrize("context", CONTEXTS)
def test_algebra_of_pattern_forms_is_the_algebra_of_row_values(context):
    d = 4
    C = _matrix(d)
    r = [sum(C.row(i)) for i in range(d)]
    c = [C[i, i] for i in range(d)]
    f, g = ip.row_sum(context) + 2, ip.diagonal(context) - 1
    assert (f * g).evaluate(C) == sum((r[i] + 2) * (c[i] - 1) for i in range(d))
    assert (g * f).evaluate(C) == (f * g).evaluate(C)
    assert (f - g).evaluate(C) == sum((r[i] + 2) - (c[i] - 1) for i in range(d))
    assert (5 - g).evaluate(C) == sum(5 - (c[i] - 1) for i in range(d))
    assert (g - 5).evaluate(C) == sum(c[i] - 6 for i in range(d))
    assert (-f).evaluate(C) == -f.evaluate(C)
    assert (3 * f).evaluate(C) == 3 * f.evaluate(C) == (f * 3).evaluate(C)
    assert (2 + f).evaluate(C) == f.evaluate(C) + 2 * d
    assert (f ** 2).evaluate(C) == sum((r[i] + 2) ** 2 for i in range(d))
    assert ((f * g) * 2).evaluate(C) == 2 * (f * g).evaluate(C)
    q = ip.row_norm_sq(context)
    assert (q + f).evaluate(C) == q.evaluate(C) + f.evaluate(C)
    assert (q * 2 + 1).evaluate(C) == 2 * q.evaluate(C) + d
    assert (q * ip.constant(3, context)).evaluate(C) == 3 * q.evaluate(C)


def test_degrees_and_zero_coefficients():
    assert ip.constant(3).degree == 0 and ip.row_sum().degree == 1 and ip.row_norm_sq().degree == 2
    assert (ip.row_sum() * 0 + 1).degree == 0
    assert ip.PatternForm(quad={((0, 1), (0, 1), (0, 1)): 0}, lin={((0, 1), (0, 1)): 0}).degree == 0


@pytest.mark.parametrize("bad", [lambda: ip.row_sum() * ip.row_norm_sq(), lambda: ip.row_norm_sq() * ip.diagonal(),
                                 lambda: ip.row_sum() ** 3, lambda: ip.row_sum() ** 1,
                                 lambda: ip.row_sum() + ip.row_sum("orthogonal"), lambda: ip.partner("unitary"),
                                 lambda: ip.off_block_norm_sq("unitary"), lambda: ip.patterns(2, "real"),
                                 lambda: ip.PatternForm("complex"), lambda: ip.coordinate(0, "real"),
                                 lambda: ip.realisations(((0, 1),), 2, "real"),
                                 lambda: ip.row_sum("orthogonal").evaluate(sympy.ones(3, 3)),
                                 lambda: ip.row_sum().evaluate(sympy.ones(2, 3)),
                                 lambda: ip.row_sum().evaluate(sympy.ones(3, 2))])
def test_out_of_range_requests_are_refused(bad):
    with pytest.raises(ip.DomainError):
        bad()


def test_a_product_of_a_quadratic_form_and_a_constant_form_is_allowed():
    f = ip.row_norm_sq() * ip.constant(2)
    assert f.equals(2 * ip.row_norm_sq())


def test_differences_name_the_patterns_that_differ():
    assert ip.row_sum().differences(ip.diagonal()) == {"C_ij at j new": 1}
    assert ip.constant(2).differences(ip.constant(1)) == {"constant": 1}
    assert ip.row_norm_sq().differences(ip.diagonal() ** 2) == {"C_ij C_ik at j new; k = j": 1}
    assert ip.diagonal().differences(ip.constant(0)) == {"C_ij at j = i": 1}
    assert (ip.diagonal() ** 2).differences(0) == {"C_ij C_ik at j = i; k = i": 1}
    assert ip.partner().differences(0) == {"C_ij at j = partner(i)": 1}
    assert ip.row_sum().equals(ip.row_sum()) and not ip.row_sum().equals(ip.diagonal())
    # C_ij C_ik and C_ik C_ij are the same monomial: forms differing only by j <-> k are equal
    jk = ip.PatternForm(quad={((0, 1), (0, 1), (1, 1)): 1})
    kj = ip.PatternForm(quad={((0, 1), (1, 1), (0, 1)): 1})
    assert jk.equals(kj) and not jk.equals(2 * kj)


def test_substitution_in_the_coefficients():
    a = sympy.Symbol("a")
    f = a * ip.row_norm_sq() + a ** 2 * ip.diagonal() + a
    g = f.subs({a: 2})
    assert g.equals(2 * ip.row_norm_sq() + 4 * ip.diagonal() + 2)
    C = _matrix(2)
    assert f.evaluate(C, {a: 2}) == g.evaluate(C)


def test_the_pattern_type_is_a_tuple_of_block_sign_pairs():
    assert ip.Pattern == tuple[tuple[int, int], ...]
    assert "Pattern" in ip.__all__
