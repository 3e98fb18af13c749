CREATE TABLE "draw_choices" (
	"id" serial PRIMARY KEY NOT NULL,
	"draw_id" integer NOT NULL,
	"person_out" integer NOT NULL,
	"person_in" integer NOT NULL,
	"reason" text NOT NULL,
	"state" text NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"requested_by" integer NOT NULL,
	"decided_by" integer,
	"decision_note" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"decided_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "draw_team_members" ADD COLUMN "choice_id" integer;--> statement-breakpoint
ALTER TABLE "draw_choices" ADD CONSTRAINT "draw_choices_draw_id_draws_id_fk" FOREIGN KEY ("draw_id") REFERENCES "public"."draws"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "draw_choices" ADD CONSTRAINT "draw_choices_person_out_people_id_fk" FOREIGN KEY ("person_out") REFERENCES "public"."people"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "draw_choices" ADD CONSTRAINT "draw_choices_person_in_people_id_fk" FOREIGN KEY ("person_in") REFERENCES "public"."people"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "draw_choices" ADD CONSTRAINT "draw_choices_requested_by_people_id_fk" FOREIGN KEY ("requested_by") REFERENCES "public"."people"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "draw_choices" ADD CONSTRAINT "draw_choices_decided_by_people_id_fk" FOREIGN KEY ("decided_by") REFERENCES "public"."people"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "draw_choices_open_uq" ON "draw_choices" USING btree ("draw_id","person_out") WHERE state = 'requested';--> statement-breakpoint
ALTER TABLE "draw_team_members" ADD CONSTRAINT "draw_team_members_choice_id_draw_choices_id_fk" FOREIGN KEY ("choice_id") REFERENCES "public"."draw_choices"("id") ON DELETE no action ON UPDATE no action;