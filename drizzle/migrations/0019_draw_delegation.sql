ALTER TABLE "draw_handovers" ADD COLUMN "dispatch_due" text;--> statement-breakpoint
ALTER TABLE "draw_handovers" ADD COLUMN "delegated_to" text;--> statement-breakpoint
ALTER TABLE "draw_handovers" ADD COLUMN "delegated_on" text;--> statement-breakpoint
ALTER TABLE "draw_handovers" ADD COLUMN "delegated_by" integer;--> statement-breakpoint
ALTER TABLE "draw_handovers" ADD CONSTRAINT "draw_handovers_delegated_by_people_id_fk" FOREIGN KEY ("delegated_by") REFERENCES "public"."people"("id") ON DELETE no action ON UPDATE no action;