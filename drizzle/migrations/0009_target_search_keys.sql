DROP INDEX "targets_name_idx";--> statement-breakpoint
DROP INDEX "targets_search_grams_idx";--> statement-breakpoint
ALTER TABLE "targets" ADD COLUMN "search_keys" integer[] DEFAULT '{}'::integer[] NOT NULL;--> statement-breakpoint
CREATE INDEX "targets_search_keys_idx" ON "targets" USING gin ("search_keys");--> statement-breakpoint
ALTER TABLE "targets" DROP COLUMN "search_grams";--> statement-breakpoint
-- Targets written before the integer keys need theirs computed (in the program: the keys fold names the way
-- domain/search-grams.ts does); this marks the work for the step that runs after the migrations.
INSERT INTO "settings" ("key", "value") SELECT 'targets.search_keys_pending', 'true'::jsonb WHERE EXISTS (SELECT 1 FROM "targets");
