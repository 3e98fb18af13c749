ALTER TABLE "tasks" ADD COLUMN "acceptance_days" integer DEFAULT 3 NOT NULL;--> statement-breakpoint
ALTER TABLE "tasks" ADD COLUMN "launched_on" text;--> statement-breakpoint
ALTER TABLE "tasks" ADD COLUMN "launched_from" text;--> statement-breakpoint
ALTER TABLE "tasks" ADD CONSTRAINT "tasks_launched_from_unique" UNIQUE("launched_from");