"""Handlers on a unit of work: the consumer's (write deliveries), the sender, the API's."""
