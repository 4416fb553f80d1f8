"""The pure core of the Tramita mock: states, errors, receipts, NRE, validation. No web framework here."""
