"""Remark 1 (§3): the realification of a unitary matrix is a rotation with conjugate-pair eigenvalues."""

from ..claim import Claim

CLAIM = Claim(
    id="remark1",
    kind="remark",
    title="Realification maps U(d) into O(2d)",
    source="§3, Remark 1",
    order=1,
    statement=(
        r"If $W_U \in U(d)$, then $W_O := \begin{bmatrix} \mathrm{Real}(W_U) & -\mathrm{Imag}(W_U) \\ "
        r"\mathrm{Imag}(W_U) & \mathrm{Real}(W_U) \end{bmatrix}$ is in $O(2d)$ and has pairwise conjugate "
        r"eigenvalues. $W_O$ is a rotation (because $W_O$ is similar to a $2 \times 2$ block diagonal matrix "
        r"with rotations). Reciprocally, for any rotation $W_O$ of size $2d$ corresponds a unitary matrix "
        r"$W_U$ of size $d$ by selecting half of the eigenvalues (for instance those with positive imaginary "
        r"parts)."
    ),
    definitions={
        "O(d)": r"O(d) = \{W \in \mathbb{R}^{d\times d} | W^\top W = I_d\}",
        "U(d)": r"U(d) = \{W \in \mathbb{C}^{d\times d} | W^* W = I_d\}",
    },
    assumptions=(),
    conventions=("A rotation is an element of SO(2d): orthogonal with determinant +1.",),
)
