"""Filing: a company's disclosure for a cycle, its answers item by item, files and history."""
