-- The frozen pool as bytes: a draw reads it a slice at a time, and a slice of an uncompressed bytea is fetched
-- alone, where a slice of UTF-8 text is counted in characters from its start. The same bytes as before (the
-- database is UTF-8), still stored out of line uncompressed: one statement, so that the rows it rewrites are
-- stored so too (a separate SET STORAGE would leave them compressed, bytea's default).
ALTER TABLE "draw_pools" ALTER COLUMN "content" SET DATA TYPE bytea USING convert_to("content", 'UTF8'), ALTER COLUMN "content" SET STORAGE EXTERNAL;
