"""Subject discovery: server-side queries cast the net, local matching confirms, results are items."""
