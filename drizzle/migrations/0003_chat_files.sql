CREATE TABLE "chat_files" (
	"message_id" text PRIMARY KEY NOT NULL,
	"platform" text NOT NULL,
	"chat_id" text NOT NULL,
	"sender_id" text NOT NULL,
	"file_key" text NOT NULL,
	"file_name" text NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL
);
