"""Definitions and assumptions shared by several claims, transcribed from Sander et al. (ICML 2024).

Symbols are as printed; where the PDF-to-text conversion mangled a symbol (for example a bold C for the
matrix :math:`\\mathbf{B}^\\top\\mathbf{A}`, or ``\\mathbb{B}^* \\cap \\mathbb{A}^*``), the appendix proof
that restates the same formula is used to restore it, and a convention says so.
"""

AR_PROCESS = (r"s_1 = 1_d,\quad s_{t+1} = W s_t,\quad W \sim \mathcal{W} := \mathcal{U}(\mathcal{C})"
              r"\ \text{(§3, Token encoding)}")

ASSUMPTION_1 = (
    r"Assumption 1 (Commutativity). The matrices $W$ in $\mathcal{C}$ commute. Hence, they are "
    r"co-diagonalizable in a unitary basis of $\mathbb{C}^{d\times d}$. Up to a change of basis, we therefore "
    r"suppose $\mathcal{C}_U = \{\mathrm{diag}(\lambda_1,\dots,\lambda_d), |\lambda_i| = 1\}$ and "
    r"$\mathcal{C}_O = \{(\lambda_1,\bar\lambda_1,\dots,\lambda_\delta,\bar\lambda_\delta), |\lambda_i| = 1\}$, "
    r"with $d = 2\delta$."
)

ASSUMPTION_2 = (
    r"Assumption 2. We parameterize $A$ and $B$ as $A = \begin{pmatrix} 0 & 0 & 0 \\ 0 & A_1 & A_2 \\ "
    r"0 & A_3 & A_4 \end{pmatrix}$ and $B = \begin{pmatrix} 0 & B_1 & B_2 \\ 0 & 0 & 0 \\ 0 & 0 & 0 "
    r"\end{pmatrix}$, with $A_i = a_i I$ and $B_i = b_i I$."
)

ASSUMPTION_3 = (
    r"Assumption 3. $A^h$ and $B^h$ are diagonal for all $h$: $A^h = \mathrm{diag}(a_h)$ and "
    r"$B^h = \mathrm{diag}(b_h)$ with $(a_h, b_h) \in \mathbb{R}^d \times \mathbb{R}^d$."
)

LOSS_3 = (r"\ell(\theta) := \sum_{T=2}^{T_{\max}} \mathbb{E}_{W\sim\mathcal{W}} "
          r"\| \mathcal{T}_\theta(e_{1:T}) - s_{T+1} \|^2 \quad (3)")

MODEL_4 = (r"\mathcal{T}_\theta(e_{1:T}) = \Big(e_T + \sum_{t=1}^T \langle A e_T | e_t\rangle_{\mathbb{C}} "
           r"B e_t\Big)_{1:d} \quad (4),\qquad e_t := (0, s_t, s_{t-1})")

MODEL_6 = (r"\mathcal{T}_\theta(e_{1:T}) = \sum_{h=1}^H \sum_{t=1}^T P_{T-1,t} \langle e_t | A^h e_{T-1}"
           r"\rangle_{\mathbb{C}} B^h e_t \quad (6),\qquad e_t := s_t")

INNER_LOSS_5 = r"L(W, e_{1:T}) = \frac{1}{2}\sum_{t=1}^{T-1} \| s_{t+1} - W s_t \|^2 \quad (5)"

HERMITIAN = (r"\langle \alpha, \beta\rangle := \beta^*\alpha = \sum_i \alpha_i \bar\beta_i"
             r"\ \text{(Appendix A, hermitian product on } \mathbb{C}^d)")

TORUS_MOMENTS = r"\mathbb{E}_\lambda(\lambda_i^k) = \delta_{k=0}\ \text{for } \lambda_i \text{ uniform on the unit circle}"

C_MATRIX = (r"\mathbf{A} := (a^1,\dots,a^d) \in \mathbb{R}^{H\times d},\ \mathbf{B} := (b^1,\dots,b^d),\ "
            r"\mathbf{C} := \mathbf{B}^\top\mathbf{A}\ \text{(Lemma 2)}")

CONVERSION_NOTE = ("The text of the paper was converted from PDF; a bold C stands for B^T A and "
                   "'\\mathbb{B}^* \\cap \\mathbb{A}^*' for B^{*T} A^*, as the appendix proofs restate.")

# The token s_0 that the first augmented token e_1 = (0, s_1, s_0) needs (§4). The paper never defines it; it
# uses two values, in different places. One definition shared by every claim it affects (prop1, lemma4, prop2,
# lemma1, fig5): each reports a verdict under both.
S0_ZERO = "zero"
S0_BACKWARD = "backward"
S0_CONVENTIONS = {
    S0_ZERO: r"s_0 = 0\ \text{(zero padding)}",
    S0_BACKWARD: r"s_0 = W^{-1}s_1\ \text{(the AR process run one step back)}",
}
S0_DEFINITION = (
    r"e_1 = (0, s_1, s_0)\ \text{needs a token } s_0 \text{ that the paper never defines. It uses two values: } "
    r"s_0 = 0 \text{ in the proof of Proposition 1 (A.2: } \eta\sum_{t=1}^{T} s_t s_{t-1}^{\top} s_T \text{ equals "
    r"the gradient step from } W_0 = 0 \text{ only if the } t = 1 \text{ term vanishes) and in its experiments "
    r"(the authors' augmented.py pads with zeros); } s_0 = W^{-1}s_1 = \lambda^{-1} \text{ in (9) and Propositions "
    r"2 and 8 (A.3: the } t = 1 \text{ terms of (9) read } s_0 = \lambda^{-1}\text{)}."
)
S0_WHERE = {
    S0_ZERO: "the paper's convention in the proof of Proposition 1 (A.2) and in its experiments (§6, Figure 5)",
    S0_BACKWARD: "the paper's convention in (9), Lemma 4 and Propositions 2 and 8 (A.3)",
}

# A third value of s_0 (an independent referee's reading): s_0 = s_1, the first token repeated. The paper's only
# use of the symbol s_0 is the remark after A.4 ("considering arbitrary real values for the vector s_0 = s"), where
# it names the initial token of the sequence (s, lambda s, ...), i.e. s_1 in the indexing of §3; and Lemma 1's own
# construction (A.1) outputs s_1 in the s_0 slot at t = 1 (the head meant to attend to t - 1 has only t' = 1).
S0_FIRST = "first"
S0_CONVENTIONS[S0_FIRST] = r"s_0 = s_1\ \text{(the first token repeated; } s_0 = 1_d \text{ on the paper's data)}"
S0_WHERE[S0_FIRST] = ("what Lemma 1's own construction (A.1) outputs at t = 1 (head 2 has only t' = 1 to attend to) "
                      "and the paper's only use of the symbol s_0 (the remark after A.4, where 's_0 = s' is the "
                      "initial token)")
#: The three readings, in the order the claims list them.
S0_READINGS = (S0_ZERO, S0_BACKWARD, S0_FIRST)
S0_DEFINITION_READINGS = (
    S0_DEFINITION + r"\ \text{A third value is implied elsewhere: } s_0 = s_1 \text{ (A.1's two heads output } "
    r"(0, s_1, s_1) \text{ at } t = 1\text{; the remark after A.4 calls the initial token } s_0 = s\text{)}."
)
#: How the three readings relate (each §4 claim's reading 'why' cites it).
S0_RELATION = (
    "No single reading makes Lemma 1 (as proved), Proposition 1 at W_0 = 0 and Proposition 2 (as printed) true at "
    "once: A.1's construction builds e_1 only under s_0 = s_1; construction (8) is the GD step on (5) from W_0 = 0 only "
    "under s_0 = 0; Proposition 2's minimisers and eta* hold only under s_0 = W^(-1)s_1 (prop2's artefact "
    "three-readings computes the table)."
)
