CREATE TABLE "card_copies" (
	"subject" text NOT NULL,
	"ref" text NOT NULL,
	"platform" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "card_copies_subject_ref_pk" PRIMARY KEY("subject","ref")
);
--> statement-breakpoint
CREATE TABLE "plans" (
	"id" serial PRIMARY KEY NOT NULL,
	"revision" integer DEFAULT 1 NOT NULL,
	"revises_id" integer,
	"year" integer NOT NULL,
	"kind" text NOT NULL,
	"name" text NOT NULL,
	"lead_department_id" integer NOT NULL,
	"participant_ids" integer[] DEFAULT '{}'::integer[] NOT NULL,
	"matter_ids" integer[] DEFAULT '{}'::integer[] NOT NULL,
	"scope" jsonb NOT NULL,
	"ratios" jsonb NOT NULL,
	"rounding" text NOT NULL,
	"period_start" text NOT NULL,
	"period_end" text NOT NULL,
	"batches" integer DEFAULT 1 NOT NULL,
	"state" text NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"return_reason" text,
	"change_reason" text,
	"reentry_due" text,
	"created_by" integer,
	"submitted_by" integer,
	"decided_by" integer,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "plans" ADD CONSTRAINT "plans_lead_department_id_departments_id_fk" FOREIGN KEY ("lead_department_id") REFERENCES "public"."departments"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "plans" ADD CONSTRAINT "plans_created_by_people_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."people"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "plans" ADD CONSTRAINT "plans_submitted_by_people_id_fk" FOREIGN KEY ("submitted_by") REFERENCES "public"."people"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "plans" ADD CONSTRAINT "plans_decided_by_people_id_fk" FOREIGN KEY ("decided_by") REFERENCES "public"."people"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "plans_year_idx" ON "plans" USING btree ("year","lead_department_id");