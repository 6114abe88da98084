"""PyTorch models of Sander et al. (ICML 2024).

- :mod:`ical_verify.models.diagonal_attention`: model (6) of §5 (multi-head linear attention, read at
  τ = T-1, no residual; diagonal heads of Assumption 3 or full matrices; learnable positional encoding P).
- :mod:`ical_verify.models.train_diagonal`: exact-loss (L-BFGS) and minibatch (Adam) training of model (6),
  and multi-start minimisation.
"""
