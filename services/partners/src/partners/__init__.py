"""LOOSELINE partners: affiliate partners and their S2S postbacks, both ways (seed 003)."""
