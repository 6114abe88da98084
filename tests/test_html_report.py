"""The HTML verification report, loaded in headless Chromium (Debian's chromium package, installed by
.ci/run): the rendered DOM shows every claim in the summary table, formulas as MathML, figures embedded, and
the page references no external resource. Chromium tests are skipped, with the reason, where it is missing.
"""

from __future__ import annotations

import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import matplotlib
import pytest
import sympy as sp

matplotlib.use("Agg")

from ical_verify.proofs_check import registry
from ical_verify.proofs_check.claim import Check, CheckOutcome, CheckResult, Claim, ClaimResult, DerivedExpression
from ical_verify.proofs_check.cli import main
from ical_verify.proofs_check.html_report import latex_html, math_html, report_html
from synthetic_papers import QUIET, synthetic  # noqa: F401  (fixture)

CHROMIUM = next((shutil.which(n) for n in ("chromium", "chromium-browser", "google-chrome") if shutil.which(n)), None)
needs_chromium = pytest.mark.skipif(CHROMIUM is None, reason="chromium not installed (apt-get install chromium)")


def chromium(url: str, *args: str, profile: Path) -> subprocess.CompletedProcess:
    cmd = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
           "--disable-background-networking", "--disable-component-update", "--disable-sync",
           "--disable-dev-shm-usage", f"--user-data-dir={profile}", *args, url]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120)


def render(page: Path, tmp: Path) -> tuple[str, Path]:
    """The DOM after Chromium loaded ``page``, and a screenshot of it."""
    shot = tmp / "screenshot.png"
    out = chromium(page.as_uri(), f"--screenshot={shot}", "--window-size=1280,2000", profile=tmp / "profile-a")
    assert shot.exists(), out.stderr[-2000:]
    dom = chromium(page.as_uri(), "--dump-dom", profile=tmp / "profile-b")
    assert dom.returncode == 0 and "<html" in dom.stdout, dom.stderr[-2000:]
    return dom.stdout, shot


class PageFacts(HTMLParser):
    """What the tests read from a DOM: summary-table claim ids, resource URLs, MathML, images, scripts."""

    def __init__(self):
        super().__init__()
        self.summary_ids: list[str] = []
        self.resources: list[str] = []
        self.math = 0
        self.images: list[str] = []
        self.scripts = 0
        self._in_summary = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "table" and a.get("id") == "summary":
            self._in_summary = True
        if tag == "tr" and self._in_summary and "data-claim" in a:
            self.summary_ids.append(a["data-claim"])
        if tag == "math":
            self.math += 1
        if tag == "img":
            self.images.append(a.get("src", ""))
        if tag == "script":
            self.scripts += 1
        for key in ("src", "href", "srcset", "data", "poster"):
            if a.get(key):
                self.resources.append(a[key])
        if tag == "link":
            self.resources.append(a.get("href", ""))

    def handle_endtag(self, tag):
        if tag == "table":
            self._in_summary = False


def facts(dom: str) -> PageFacts:
    f = PageFacts()
    f.feed(dom)
    return f


def external(urls: list[str]) -> list[str]:
    return [u for u in urls if u.strip().lower().startswith(("http:", "https:", "//", "ftp:"))]


# results to render --------------------------------------------------------------------------------------
def _figure(path: Path) -> str:
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(4, 2.5))
    ax.plot([1, 2, 3], [1, 4, 9], "o-")
    ax.set_title("a test figure")
    fig.savefig(path, dpi=60)
    plt.close(fig)
    return str(path)


def fake_results(tmp: Path) -> list[ClaimResult]:
    fig = _figure(tmp / "fig-a.png")
    Tm = sp.Symbol("T_max", positive=True)
    derived = [DerivedExpression.from_sympy("eta_star", sp.Rational(3, 2) / Tm, "asymptotic step size"),
               DerivedExpression.from_sympy("hessian", sp.Matrix([[1, sp.sin(sp.pi / 4)], [0, 1]]))]
    good = CheckResult("identity", "symbolic", "printed", True, "passed", "holds <exactly> & always",
                       {"residual": 0.0, "list": [1, 2]}, 0.1, derived=derived)
    bad = CheckResult("printed_form", "cubature", "printed", False, "failed",
                      "fails: <script>alert(1)</script> 5% off, σ ≤ 1", {"gap": 0.25}, 0.2)
    fixed = CheckResult("corrected_form", "cubature", "corrected", True, "passed", "holds", {}, 0.2)
    crashed = CheckResult("crash", "property", "printed", False, "error", "check crashed: ZeroDivisionError",
                          {"traceback": "Traceback ..."}, 0.0)
    erratum = Claim("typo_claim", "proposition", "A misprint", r"\textbf{Proposition 9} Suppose $C = C_U$ and "
                    r"$a_3^*b_1^* = \frac{\sum_{T=2}^{T_{max}} T}{\sum_{T=2}^{T_{max}} (T^2 + (d-1)T)}$.", "§4", 1,
                    definitions={r"\eta^*": r"\frac{3}{2T_{\max}}", "(3)": r"\ell(\theta) \coloneqq \mathbb{E} x"},
                    assumptions=(r"$\mathcal{C} = \mathcal{C}_U$ (§5.1).", "plain P^h"))
    return [
        ClaimResult(erratum, "erratum", [good, bad, fixed], r"a_3^* b_1^* = \eta^*", [fig], 0.5, 0, "quick"),
        ClaimResult(Claim("broken", "lemma", "Crashes", r"$\frac{1}{$ unbalanced", "§5", 2), "inconclusive",
                    [good, crashed], None, [str(tmp / "missing.png")], 0.1, 0, "quick"),
        ClaimResult(Claim("open_claim", "remark", "Unchecked", "A remark.", "§3", 3), "not-run", [], None, [], 0.0,
                    0, "quick"),
    ]


# unit tests (no browser) --------------------------------------------------------------------------------
def test_math_becomes_mathml_and_bad_formulas_fall_back_to_code():
    assert math_html(r"\frac{3}{2T_{\max}}").startswith("<math")
    assert math_html(r"\frac{1}{").startswith('<code class="tex">')
    mixed = latex_html(r"\textbf{Lemma} Suppose $x_1 < 2$ and 5\% \& more")
    assert "<strong>Lemma</strong>" in mixed and "<math" in mixed and "5% &amp; more" in mixed


def test_report_escapes_text_and_embeds_figures(tmp_path):
    page = report_html(fake_results(tmp_path))
    assert "<script>alert" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert page.count("data:image/png;base64,") == 1
    assert "missing.png could not be read" in page
    f = facts(page)
    assert f.summary_ids == ["typo_claim", "broken", "open_claim"]
    assert f.math > 5 and f.scripts == 0 and not external(f.resources)


def test_summary_reader_notices_a_missing_claim(tmp_path):
    """The DOM reader used below can fail: remove one row and it sees the claim missing."""
    page = report_html(fake_results(tmp_path))
    start = page.index('<tr data-claim="broken">')
    page = page[:start] + page[page.index("</tr>", start) + 5:]
    assert facts(page).summary_ids == ["typo_claim", "open_claim"]
    assert external(["https://cdn.example/mathjax.js", "data:image/png;base64,AA"]) == ["https://cdn.example/mathjax.js"]


# Chromium -----------------------------------------------------------------------------------------------
@needs_chromium
def test_fake_report_renders_in_chromium(tmp_path):
    page = tmp_path / "report.html"
    page.write_text(report_html(fake_results(tmp_path)), encoding="utf-8")
    dom, shot = render(page, tmp_path)
    f = facts(dom)
    assert f.summary_ids == ["typo_claim", "broken", "open_claim"]
    assert f.math > 5
    assert not external(f.resources)
    assert all(src.startswith("data:image/png;base64,") for src in f.images) and len(f.images) == 1
    assert f.scripts == 0                                          # the hostile detail stayed text
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 10_000


class LayoutProbe(HTMLParser):
    """Reads what the probe script below wrote into the DOM: the rendered width of each figure."""

    def __init__(self):
        super().__init__()
        self.widths: list[float] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "body" and a.get("data-figure-widths"):
            self.widths = [float(w) for w in a["data-figure-widths"].split(",")]


PROBE = ("<script>window.addEventListener('load', () => document.body.setAttribute('data-figure-widths', "
         "Array.from(document.images).map(i => i.getBoundingClientRect().width).join(',')));</script>")


def test_report_shows_the_new_fields(synthetic, tmp_path):
    """Severity beside the verdict, the finding first, readings, sub-claims, artefacts, folded metrics tables
    and the folded proof with every step status beside its formula."""
    from ical_verify.proofs_check.parallel import run_claims

    run = run_claims(QUIET, jobs=1, out_dir=tmp_path)
    page = report_html(run.results)
    f = facts(page)
    assert f.summary_ids == QUIET and f.scripts == 0
    assert '<tr class="paper" data-paper="synth2024a"><th colspan="7">synth2024a — Author, A synthetic paper' in page
    assert "erratum (constant)</span>" in page and "printed H is half the Hessian (ratio 2)" in page
    beta = page[page.index('id="claim-beta"'):page.index('id="claim-gamma"')]
    assert beta.index("Finding:") < beta.index("Statement as printed") < beta.index("Readings")
    assert 'data-reading="strict"' in beta and "the text says &#x27;the Hessian&#x27;" in beta
    gamma = page[page.index('id="claim-gamma"'):]
    assert 'data-subclaim="flat"' in gamma and "erratum (typo)" in gamma
    proof = page[page.index('<details class="proof" data-claim="alpha">'):]
    proof = proof[:proof.index("</details>")]
    assert [s for s in ("follows", "follows-with-correction", "gap", "fails", "not-checked")
            if f'data-status="{s}"' in proof] == ["follows", "follows-with-correction", "gap", "fails", "not-checked"]
    assert proof.count("<math") >= 5
    assert '<details class="metrics"><summary>metrics (1)</summary><table class="metrics"><tbody><tr><th>nested.a' \
        in gamma and "<td>1, 2, 3</td>" in gamma          # nested metrics as a readable table, not JSON
    assert "Artefacts (figures and derivations that do not vote)" in page


@needs_chromium
def test_ical_verify_run_writes_report_html_with_every_claim(synthetic, tmp_path):
    out = tmp_path / "rep"
    assert main(["run", "--out", str(out), "--claims", ",".join(QUIET), "--jobs", "1"]) == 0
    page = out / "report.html"
    dom, _ = render(page, tmp_path)
    f = facts(dom)
    assert f.summary_ids == QUIET
    assert len(f.images) == 2 and all(i.startswith("data:image/png;base64,") for i in f.images)
    assert f.math >= 10 and not external(f.resources) and f.scripts == 0
    assert dom.count("<details") >= 3                  # metrics and the proof are folded
    probe = tmp_path / "probe.html"                    # a copy with a script that measures the figures
    probe.write_text(page.read_text().replace("</body>", PROBE + "</body>"))
    dom = chromium(probe.as_uri(), "--dump-dom", "--window-size=1280,2000", profile=tmp_path / "profile-c").stdout
    widths = LayoutProbe()
    widths.feed(dom)
    assert len(widths.widths) == 2 and min(widths.widths) >= 600   # large enough to read


@needs_chromium
def test_real_registry_report_renders_every_claim(tmp_path):
    """Every claim of the real registry (statements, definitions, assumptions) in the table and as a section."""
    claims = registry.all_claims()
    results = [ClaimResult(c, "not-run", [], None, [], 0.0, 0, "quick") for c in claims]
    page = tmp_path / "report.html"
    page.write_text(report_html(results), encoding="utf-8")
    dom, shot = render(page, tmp_path)
    f = facts(dom)
    assert f.summary_ids == [c.id for c in claims]
    for c in claims:
        assert f'id="claim-{c.id}"' in dom
    assert f.math > len(claims) and not external(f.resources)
    assert shot.stat().st_size > 10_000


def test_a_reproduced_figure_has_the_text_of_the_artefact_that_drew_it_beside_it(tmp_path):
    from ical_verify.proofs_check.claim import ArtefactResult

    fig = _figure(tmp_path / "fig7-like.png")
    caption = "Figure 7 reproduction: Figure 7. Evolution of the MSE with the number of heads."
    r = fake_results(tmp_path)[2]
    r.figures.append(fig)
    r.artefacts.append(ArtefactResult("figure-7", caption, figures=[fig]))
    page = report_html([r])
    figure = page[page.index("<figure>"):page.index("</figure>")]
    assert caption in figure and "fig7-like.png" in figure
    other = report_html(fake_results(tmp_path)[:1])          # a figure no artefact drew: its file name only
    assert "<figcaption><span class=\"source\">(fig-a.png)</span></figcaption>" in other
