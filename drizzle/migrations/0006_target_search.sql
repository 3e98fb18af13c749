ALTER TABLE "targets" ADD COLUMN "search_grams" text[] DEFAULT '{}'::text[] NOT NULL;--> statement-breakpoint
CREATE INDEX "targets_search_grams_idx" ON "targets" USING gin ("search_grams");