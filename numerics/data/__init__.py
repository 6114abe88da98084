"""Text data for §6 of Sander et al. (Figure 4): corpus reading, byte-level BPE tokenisation, embeddings.

- :mod:`.corpus`: reading a plain-text corpus (nltk's ``PlaintextCorpusReader``), sentence splitting (nltk's
  Punkt) and the sentence simplification of the authors' pipeline;
- :mod:`.bpe`: a GPT-2-style byte-level BPE: loading ``vocab.json`` + ``merges.txt`` or ``tokenizer.json``
  with the ``tokenizers`` library, and a small trainer/encoder written here (for the project's own test data);
- :mod:`.embeddings`: the token-embedding matrix (``wte.weight``) from a safetensors or PyTorch checkpoint;
- :mod:`.fig4`: the Figure 4 pipeline (text -> token ids -> windows of T tokens -> unit-norm embeddings) and
  the project's sample files.

nltk, tokenizers and safetensors are optional (the ``data`` extra); they are imported only when used.
"""
