"""Review: the staff queue of disclosures and the page where staff read one."""
