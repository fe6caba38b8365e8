import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * AI Bridge (Coder's aibridge_* tables, ai_seat_state and ai_gateway_coderd_keys). Recorded rows
 * of an interception go with it (retention deletes interceptions only); an interception outlives
 * nothing it points at except its initiator, whom it keeps (no cascade, as Coder).
 */
export class Aibridge1732700000000 implements MigrationInterface {
  name = 'Aibridge1732700000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE aibridge_interceptions (
        id uuid PRIMARY KEY,
        initiator_id uuid NOT NULL REFERENCES users(id),
        api_key_id text,
        provider text NOT NULL,
        provider_name text NOT NULL DEFAULT '',
        model text NOT NULL,
        client varchar(64) NOT NULL DEFAULT 'Unknown',
        user_agent text NOT NULL DEFAULT '',
        metadata jsonb NOT NULL DEFAULT '{}',
        started_at timestamptz NOT NULL,
        ended_at timestamptz
      );
      CREATE INDEX aibridge_interceptions_started_id_idx ON aibridge_interceptions (started_at DESC, id DESC);
      CREATE INDEX aibridge_interceptions_initiator_started_idx ON aibridge_interceptions (initiator_id, started_at DESC, id DESC);
      CREATE INDEX aibridge_interceptions_provider_idx ON aibridge_interceptions (provider);
      CREATE INDEX aibridge_interceptions_model_idx ON aibridge_interceptions (model);
      CREATE INDEX aibridge_interceptions_client_idx ON aibridge_interceptions (client);

      CREATE TABLE aibridge_token_usages (
        id uuid PRIMARY KEY,
        interception_id uuid NOT NULL REFERENCES aibridge_interceptions(id) ON DELETE CASCADE,
        provider_response_id text NOT NULL,
        input_tokens bigint NOT NULL,
        output_tokens bigint NOT NULL,
        cache_read_input_tokens bigint NOT NULL DEFAULT 0,
        cache_write_input_tokens bigint NOT NULL DEFAULT 0,
        metadata jsonb NOT NULL DEFAULT '{}',
        created_at timestamptz NOT NULL
      );
      CREATE INDEX aibridge_token_usages_interception_id_idx ON aibridge_token_usages (interception_id);

      CREATE TABLE aibridge_user_prompts (
        id uuid PRIMARY KEY,
        interception_id uuid NOT NULL REFERENCES aibridge_interceptions(id) ON DELETE CASCADE,
        provider_response_id text NOT NULL,
        prompt text NOT NULL,
        metadata jsonb NOT NULL DEFAULT '{}',
        created_at timestamptz NOT NULL
      );
      CREATE INDEX aibridge_user_prompts_interception_id_idx ON aibridge_user_prompts (interception_id);

      CREATE TABLE aibridge_tool_usages (
        id uuid PRIMARY KEY,
        interception_id uuid NOT NULL REFERENCES aibridge_interceptions(id) ON DELETE CASCADE,
        provider_response_id text NOT NULL,
        provider_tool_call_id text NOT NULL DEFAULT '',
        server_url text,
        tool text NOT NULL,
        input text NOT NULL,
        injected boolean NOT NULL DEFAULT false,
        invocation_error text,
        metadata jsonb NOT NULL DEFAULT '{}',
        created_at timestamptz NOT NULL
      );
      CREATE INDEX aibridge_tool_usages_interception_id_idx ON aibridge_tool_usages (interception_id);

      CREATE TABLE ai_seat_state (
        user_id uuid PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
        first_used_at timestamptz NOT NULL,
        last_used_at timestamptz NOT NULL,
        last_event_type text NOT NULL,
        last_event_description text NOT NULL DEFAULT '',
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT ai_seat_state_last_event_type_check CHECK (last_event_type IN ('aibridge', 'task'))
      );

      CREATE TABLE ai_gateway_coderd_keys (
        id uuid PRIMARY KEY,
        created_at timestamptz NOT NULL DEFAULT now(),
        name varchar(64) NOT NULL,
        secret_prefix varchar(11) NOT NULL,
        hashed_secret bytea NOT NULL,
        last_used_at timestamptz,
        CONSTRAINT ai_gateway_coderd_keys_name_check CHECK (name ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
        CONSTRAINT ai_gateway_coderd_keys_secret_prefix_check CHECK (length(secret_prefix) = 11)
      );
      CREATE UNIQUE INDEX ai_gateway_coderd_keys_name_idx ON ai_gateway_coderd_keys (lower(name));
      CREATE UNIQUE INDEX ai_gateway_coderd_keys_secret_prefix_idx ON ai_gateway_coderd_keys (secret_prefix);
      CREATE UNIQUE INDEX ai_gateway_coderd_keys_hashed_secret_idx ON ai_gateway_coderd_keys (hashed_secret);
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP TABLE ai_gateway_coderd_keys;
      DROP TABLE ai_seat_state;
      DROP TABLE aibridge_tool_usages;
      DROP TABLE aibridge_user_prompts;
      DROP TABLE aibridge_token_usages;
      DROP TABLE aibridge_interceptions;
    `);
  }
}
