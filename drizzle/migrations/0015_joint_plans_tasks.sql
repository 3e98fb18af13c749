CREATE TABLE "joint_plans" (
	"id" serial PRIMARY KEY NOT NULL,
	"year" integer NOT NULL,
	"revision" integer DEFAULT 1 NOT NULL,
	"state" text NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"plan_ids" integer[] DEFAULT '{}'::integer[] NOT NULL,
	"plan_versions" text DEFAULT '' NOT NULL,
	"rows" jsonb NOT NULL,
	"under" jsonb NOT NULL,
	"doc_no" text,
	"approved_on" text,
	"published_on" text,
	"published_where" text,
	"return_reason" text,
	"compiled_by" integer,
	"decided_by" integer,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "task_departments" (
	"task_id" integer NOT NULL,
	"department_id" integer NOT NULL,
	"state" text NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"answered_by" integer,
	"answered_at" timestamp with time zone,
	"reason" text,
	"ruled_by" integer,
	"ruling" text,
	"escalated_at" timestamp with time zone,
	CONSTRAINT "task_departments_task_id_department_id_pk" PRIMARY KEY("task_id","department_id")
);
--> statement-breakpoint
CREATE TABLE "tasks" (
	"id" serial PRIMARY KEY NOT NULL,
	"plan_id" integer NOT NULL,
	"joint_plan_id" integer NOT NULL,
	"name" text NOT NULL,
	"lead_department_id" integer NOT NULL,
	"chat_platform" text NOT NULL,
	"chat_id" text NOT NULL,
	"window_start" text NOT NULL,
	"window_end" text NOT NULL,
	"teams" integer,
	"targets_per_team" integer,
	"per_team" jsonb NOT NULL,
	"certificate_holders" integer DEFAULT 2 NOT NULL,
	"acceptance_due" text,
	"acceptance_due_text" text NOT NULL,
	"state" text NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"created_by" integer,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "joint_plans" ADD CONSTRAINT "joint_plans_compiled_by_people_id_fk" FOREIGN KEY ("compiled_by") REFERENCES "public"."people"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "joint_plans" ADD CONSTRAINT "joint_plans_decided_by_people_id_fk" FOREIGN KEY ("decided_by") REFERENCES "public"."people"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "task_departments" ADD CONSTRAINT "task_departments_task_id_tasks_id_fk" FOREIGN KEY ("task_id") REFERENCES "public"."tasks"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "task_departments" ADD CONSTRAINT "task_departments_department_id_departments_id_fk" FOREIGN KEY ("department_id") REFERENCES "public"."departments"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "task_departments" ADD CONSTRAINT "task_departments_answered_by_people_id_fk" FOREIGN KEY ("answered_by") REFERENCES "public"."people"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "task_departments" ADD CONSTRAINT "task_departments_ruled_by_people_id_fk" FOREIGN KEY ("ruled_by") REFERENCES "public"."people"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tasks" ADD CONSTRAINT "tasks_plan_id_plans_id_fk" FOREIGN KEY ("plan_id") REFERENCES "public"."plans"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tasks" ADD CONSTRAINT "tasks_joint_plan_id_joint_plans_id_fk" FOREIGN KEY ("joint_plan_id") REFERENCES "public"."joint_plans"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tasks" ADD CONSTRAINT "tasks_lead_department_id_departments_id_fk" FOREIGN KEY ("lead_department_id") REFERENCES "public"."departments"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tasks" ADD CONSTRAINT "tasks_created_by_people_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."people"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "joint_plans_year_revision_idx" ON "joint_plans" USING btree ("year","revision");