"""Local stand-ins for outside services, speaking their real protocols (dev and tests only)."""
