ALTER TABLE "local_messages" ADD COLUMN "file_key" text;--> statement-breakpoint
ALTER TABLE "local_messages" ADD COLUMN "file_name" text;