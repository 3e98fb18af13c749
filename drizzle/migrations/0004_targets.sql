CREATE TABLE "targets" (
	"id" serial PRIMARY KEY NOT NULL,
	"code" text NOT NULL,
	"code_kind" text NOT NULL,
	"name" text NOT NULL,
	"object_type" text,
	"industry" text,
	"area" text,
	"address" text,
	"registration_authority" text,
	"jurisdiction" text,
	"risk_class" text,
	"status" text DEFAULT '存续' NOT NULL,
	"tags" text[] DEFAULT '{}'::text[] NOT NULL,
	"last_inspected" date,
	"department_id" integer,
	"active" boolean DEFAULT true NOT NULL,
	"row_hash" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "targets_code_unique" UNIQUE("code")
);
--> statement-breakpoint
ALTER TABLE "departments" ADD COLUMN "aliases" text[] DEFAULT '{}'::text[] NOT NULL;--> statement-breakpoint
ALTER TABLE "targets" ADD CONSTRAINT "targets_department_id_departments_id_fk" FOREIGN KEY ("department_id") REFERENCES "public"."departments"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "targets_name_idx" ON "targets" USING btree ("name");--> statement-breakpoint
CREATE INDEX "targets_department_idx" ON "targets" USING btree ("department_id");