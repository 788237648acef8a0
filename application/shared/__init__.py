"""What every context shares: the caller, paging, the clock and the transaction."""
