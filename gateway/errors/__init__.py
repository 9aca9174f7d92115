"""Every error the gateway answers: a registry of its codes, and the translation of graphql-core's and the
limits' English messages into coded, bilingual errors."""
