CREATE TABLE "person_leaves" (
	"id" serial PRIMARY KEY NOT NULL,
	"person_id" integer NOT NULL,
	"from_date" date NOT NULL,
	"to_date" date NOT NULL,
	"reason" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "people" ADD COLUMN "register_key" text;--> statement-breakpoint
ALTER TABLE "people" ADD COLUMN "unit" text;--> statement-breakpoint
ALTER TABLE "people" ADD COLUMN "position" text;--> statement-breakpoint
ALTER TABLE "people" ADD COLUMN "certificate_no" text;--> statement-breakpoint
ALTER TABLE "people" ADD COLUMN "certificate_valid_until" date;--> statement-breakpoint
ALTER TABLE "people" ADD COLUMN "qualification_tags" text[] DEFAULT '{}'::text[] NOT NULL;--> statement-breakpoint
ALTER TABLE "people" ADD COLUMN "expertise" text[] DEFAULT '{}'::text[] NOT NULL;--> statement-breakpoint
ALTER TABLE "people" ADD COLUMN "area" text;--> statement-breakpoint
ALTER TABLE "people" ADD COLUMN "is_expert" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "people" ADD COLUMN "active" boolean DEFAULT true NOT NULL;--> statement-breakpoint
ALTER TABLE "people" ADD COLUMN "row_hash" text;--> statement-breakpoint
ALTER TABLE "person_leaves" ADD CONSTRAINT "person_leaves_person_id_people_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."people"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "person_leaves_person_idx" ON "person_leaves" USING btree ("person_id");--> statement-breakpoint
ALTER TABLE "people" ADD CONSTRAINT "people_register_key_unique" UNIQUE("register_key");