"""Omnichannel intake: live queues, queue events, routing, callbacks and the wallboard."""
