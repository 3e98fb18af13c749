ALTER TABLE "inbound_events" ADD COLUMN "status" text DEFAULT 'done' NOT NULL;--> statement-breakpoint
ALTER TABLE "inbound_events" ADD COLUMN "payload" jsonb;--> statement-breakpoint
ALTER TABLE "inbound_events" ADD COLUMN "attempts" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "inbound_events" ADD COLUMN "updated_at" timestamp with time zone DEFAULT now() NOT NULL;--> statement-breakpoint
CREATE INDEX "inbound_events_processing_idx" ON "inbound_events" USING btree ("status","updated_at");