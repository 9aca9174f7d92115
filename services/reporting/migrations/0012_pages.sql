-- A stable order to page through, newest first, for the lists that lacked one.
ALTER TABLE surveys ADD COLUMN seq bigint GENERATED ALWAYS AS IDENTITY;
ALTER TABLE staff ADD COLUMN seq bigint GENERATED ALWAYS AS IDENTITY;
ALTER TABLE resources ADD COLUMN seq bigint GENERATED ALWAYS AS IDENTITY;
