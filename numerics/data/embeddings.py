r"""The token-embedding matrix of a GPT-2 checkpoint (``wte.weight``, shape (vocabulary, d)).

GPT-2 large has d = 1280 (GPT-2: 768, medium: 1024, xl: 1600). Checkpoints name the matrix ``wte.weight``
(Hugging Face ``model.safetensors``) or ``transformer.wte.weight`` (a ``GPT2LMHeadModel`` state dict);
:func:`load_embeddings` accepts any key ending in ``wte.weight`` and reads only that tensor from a
safetensors file.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

#: Width of the token embeddings of the GPT-2 family (Radford et al., 2019).
GPT2_WIDTHS = {"gpt2": 768, "gpt2-medium": 1024, "gpt2-large": 1280, "gpt2-xl": 1600}

#: The suffix of the embedding matrix's key in a checkpoint.
WTE_SUFFIX = "wte.weight"


def _pick(keys, key: str | None, path) -> str:
    keys = list(keys)
    if key is not None:
        if key not in keys:
            raise KeyError(f"{path} has no tensor {key!r}")
        return key
    found = [k for k in keys if k == WTE_SUFFIX or k.endswith("." + WTE_SUFFIX)]
    if len(found) != 1:
        raise KeyError(f"{path}: expected one tensor named '*{WTE_SUFFIX}', found {found or 'none'}")
    return found[0]


def load_embeddings(path: str | Path, key: str | None = None) -> np.ndarray:
    """The embedding matrix (V, d) as float32 from a ``.safetensors`` file or a PyTorch state dict
    (``.bin``/``.pt``/``.pth``, loaded with ``weights_only=True``).

    Raises :class:`FileNotFoundError` for a missing file and :class:`KeyError` if no unique ``*wte.weight``.
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"embeddings file {path} does not exist")
    if path.suffix == ".safetensors":
        try:
            from safetensors import safe_open
        except ImportError as exc:  # pragma: no cover - depends on the installed extras
            raise ImportError("reading .safetensors needs the 'safetensors' package: "
                              "pip install 'ical-verify[data]'") from exc
        with safe_open(str(path), framework="np") as f:
            name = _pick(f.keys(), key, path)
            return np.asarray(f.get_tensor(name), dtype=np.float32)
    import torch

    state = torch.load(str(path), map_location="cpu", weights_only=True)
    if hasattr(state, "state_dict"):
        state = state.state_dict()
    name = _pick(state.keys(), key, path)
    return state[name].detach().to(torch.float32).numpy()


def write_embeddings(matrix: np.ndarray, path: str | Path, key: str = WTE_SUFFIX) -> Path:
    """Write ``matrix`` (V, d) as float32 under ``key`` to a ``.safetensors`` file or a PyTorch state dict."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    m = np.ascontiguousarray(matrix, dtype=np.float32)
    if path.suffix == ".safetensors":
        from safetensors.numpy import save_file

        save_file({key: m}, str(path))
    else:
        import torch

        torch.save({key: torch.from_numpy(m)}, str(path))
    return path


def random_embeddings(vocabulary: int, d: int, seed: int = 0, coherence: float = 0.0) -> np.ndarray:
    r"""Gaussian embeddings (V, d), float32, with an optional common direction: row
    :math:`\sqrt{\rho}\,g_0 + \sqrt{1-\rho}\,g_v` (:math:`g` i.i.d. :math:`\mathcal{N}(0, I_d/d)`), so that after
    normalisation two rows have cosine ≈ ρ = ``coherence`` (GPT-2's embeddings share such a direction).

    >>> E = random_embeddings(200, 512, coherence=0.5)
    >>> U = E / np.linalg.norm(E, axis=1, keepdims=True)
    >>> round(float(np.mean((U @ U.T)[np.triu_indices(200, 1)])), 1)
    0.5
    """
    rng = np.random.default_rng(seed)
    g = rng.standard_normal((vocabulary + 1, d)) / np.sqrt(d)
    return (np.sqrt(coherence) * g[:1] + np.sqrt(1 - coherence) * g[1:]).astype(np.float32)
