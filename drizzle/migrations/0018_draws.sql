CREATE TABLE "draw_contributions" (
	"draw_id" integer NOT NULL,
	"department_id" integer NOT NULL,
	"person_id" integer NOT NULL,
	"value" text NOT NULL,
	"hash" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "draw_contributions_draw_id_department_id_pk" PRIMARY KEY("draw_id","department_id")
);
--> statement-breakpoint
CREATE TABLE "draw_handovers" (
	"draw_id" integer NOT NULL,
	"department_id" integer NOT NULL,
	"handed_on" text NOT NULL,
	"inspectors_due" text,
	"inspectors_due_text" text NOT NULL,
	"reached" boolean NOT NULL,
	CONSTRAINT "draw_handovers_draw_id_department_id_pk" PRIMARY KEY("draw_id","department_id")
);
--> statement-breakpoint
CREATE TABLE "draw_picks" (
	"draw_id" integer NOT NULL,
	"position" integer NOT NULL,
	"code" text NOT NULL,
	"stratum" text NOT NULL,
	"team" integer NOT NULL,
	"score" text NOT NULL,
	"replaces" text,
	"withdrawn" text,
	CONSTRAINT "draw_picks_draw_id_position_pk" PRIMARY KEY("draw_id","position")
);
--> statement-breakpoint
CREATE TABLE "draw_pools" (
	"draw_id" integer PRIMARY KEY NOT NULL,
	"content" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "draw_redraws" (
	"id" serial PRIMARY KEY NOT NULL,
	"draw_id" integer NOT NULL,
	"state" text NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"reason" text NOT NULL,
	"requested_by" integer NOT NULL,
	"decided_by" integer,
	"decision_note" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"decided_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "draw_replacements" (
	"id" serial PRIMARY KEY NOT NULL,
	"draw_id" integer NOT NULL,
	"code" text NOT NULL,
	"cause" text NOT NULL,
	"note" text NOT NULL,
	"state" text NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"requested_by" integer NOT NULL,
	"decided_by" integer,
	"decision_note" text,
	"replacement_code" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"decided_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "draw_team_members" (
	"draw_id" integer NOT NULL,
	"team" integer NOT NULL,
	"position" integer NOT NULL,
	"person_id" integer NOT NULL,
	"certified" boolean NOT NULL,
	"expert" boolean NOT NULL,
	"leader" boolean DEFAULT false NOT NULL,
	"replaces" integer,
	"withdrawn" text,
	CONSTRAINT "draw_team_members_draw_id_team_position_pk" PRIMARY KEY("draw_id","team","position")
);
--> statement-breakpoint
CREATE TABLE "draws" (
	"id" serial PRIMARY KEY NOT NULL,
	"task_id" integer NOT NULL,
	"kind" text NOT NULL,
	"department_id" integer NOT NULL,
	"state" text NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"algorithm" text NOT NULL,
	"filters" jsonb NOT NULL,
	"strata" jsonb NOT NULL,
	"split" jsonb NOT NULL,
	"pool_size" integer NOT NULL,
	"pool_hash" text NOT NULL,
	"bot_entropy" text NOT NULL,
	"bot_commitment" text NOT NULL,
	"reveal_at" timestamp with time zone NOT NULL,
	"no_input_reason" text,
	"beacon" jsonb,
	"seed" text,
	"receipt" text,
	"receipt_hash" text,
	"committed_by" integer,
	"drawn_by" integer,
	"drawn_at" timestamp with time zone,
	"replaces_id" integer,
	"supersede_reason" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "draw_contributions" ADD CONSTRAINT "draw_contributions_draw_id_draws_id_fk" FOREIGN KEY ("draw_id") REFERENCES "public"."draws"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "draw_contributions" ADD CONSTRAINT "draw_contributions_department_id_departments_id_fk" FOREIGN KEY ("department_id") REFERENCES "public"."departments"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "draw_contributions" ADD CONSTRAINT "draw_contributions_person_id_people_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."people"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "draw_handovers" ADD CONSTRAINT "draw_handovers_draw_id_draws_id_fk" FOREIGN KEY ("draw_id") REFERENCES "public"."draws"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "draw_handovers" ADD CONSTRAINT "draw_handovers_department_id_departments_id_fk" FOREIGN KEY ("department_id") REFERENCES "public"."departments"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "draw_pools" ADD CONSTRAINT "draw_pools_draw_id_draws_id_fk" FOREIGN KEY ("draw_id") REFERENCES "public"."draws"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "draw_redraws" ADD CONSTRAINT "draw_redraws_draw_id_draws_id_fk" FOREIGN KEY ("draw_id") REFERENCES "public"."draws"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "draw_redraws" ADD CONSTRAINT "draw_redraws_requested_by_people_id_fk" FOREIGN KEY ("requested_by") REFERENCES "public"."people"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "draw_redraws" ADD CONSTRAINT "draw_redraws_decided_by_people_id_fk" FOREIGN KEY ("decided_by") REFERENCES "public"."people"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "draw_replacements" ADD CONSTRAINT "draw_replacements_draw_id_draws_id_fk" FOREIGN KEY ("draw_id") REFERENCES "public"."draws"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "draw_replacements" ADD CONSTRAINT "draw_replacements_requested_by_people_id_fk" FOREIGN KEY ("requested_by") REFERENCES "public"."people"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "draw_replacements" ADD CONSTRAINT "draw_replacements_decided_by_people_id_fk" FOREIGN KEY ("decided_by") REFERENCES "public"."people"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "draw_team_members" ADD CONSTRAINT "draw_team_members_draw_id_draws_id_fk" FOREIGN KEY ("draw_id") REFERENCES "public"."draws"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "draw_team_members" ADD CONSTRAINT "draw_team_members_person_id_people_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."people"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "draws" ADD CONSTRAINT "draws_task_id_tasks_id_fk" FOREIGN KEY ("task_id") REFERENCES "public"."tasks"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "draws" ADD CONSTRAINT "draws_department_id_departments_id_fk" FOREIGN KEY ("department_id") REFERENCES "public"."departments"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "draws" ADD CONSTRAINT "draws_committed_by_people_id_fk" FOREIGN KEY ("committed_by") REFERENCES "public"."people"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "draws" ADD CONSTRAINT "draws_drawn_by_people_id_fk" FOREIGN KEY ("drawn_by") REFERENCES "public"."people"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "draw_redraws_open_uq" ON "draw_redraws" USING btree ("draw_id") WHERE state = 'requested';--> statement-breakpoint
CREATE UNIQUE INDEX "draw_replacements_open_uq" ON "draw_replacements" USING btree ("draw_id","code") WHERE state = 'requested';--> statement-breakpoint
CREATE UNIQUE INDEX "draws_current_uq" ON "draws" USING btree ("task_id","kind","department_id") WHERE state in ('committed', 'drawn');