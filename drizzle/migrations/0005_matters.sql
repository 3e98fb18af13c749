CREATE TABLE "matters" (
	"id" serial PRIMARY KEY NOT NULL,
	"variant_key" text NOT NULL,
	"department_id" integer NOT NULL,
	"seq" text,
	"category" text,
	"name" text NOT NULL,
	"target_type" text NOT NULL,
	"level" text NOT NULL,
	"methods" text,
	"subject" text,
	"bases" text[] DEFAULT '{}'::text[] NOT NULL,
	"cooperating" text,
	"ratio" text,
	"frequency" text,
	"qualification_tags" text[] DEFAULT '{}'::text[] NOT NULL,
	"needs_expert" boolean DEFAULT false NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"row_hash" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "matters_variant_key_unique" UNIQUE("variant_key")
);
--> statement-breakpoint
ALTER TABLE "matters" ADD CONSTRAINT "matters_department_id_departments_id_fk" FOREIGN KEY ("department_id") REFERENCES "public"."departments"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "matters_department_idx" ON "matters" USING btree ("department_id");