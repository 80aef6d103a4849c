"""Managing accounts: staff invite officers, administrators manage everyone."""
