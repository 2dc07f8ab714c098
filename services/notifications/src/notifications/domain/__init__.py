"""Rules only: kinds and channels, the templates, the retry schedule. No I/O."""
