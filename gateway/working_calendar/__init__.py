"""The working calendar (工作日历) over GraphQL: a year's days and where each comes from; the bureau's declarations."""
