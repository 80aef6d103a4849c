"""Compare: published disclosures side by side (/compare), several companies in one cycle or
one company across cycles, item by item."""
