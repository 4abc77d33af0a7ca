"""Countries and topics: the rows, the shipped Thai country names, suggestions from text, public pages."""
