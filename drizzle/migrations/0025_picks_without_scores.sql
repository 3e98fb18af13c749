-- A pick's score follows from the draw's seed and the pick's id (domain/draw.ts): nothing read it from here, and
-- for a 3,000,000-target draw it was 9.6 MB of the 15 MB its 150,000 picks took to write.
ALTER TABLE "draw_picks" DROP COLUMN "score";
