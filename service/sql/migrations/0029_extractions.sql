-- The extraction assistant: a text read from a document (an extraction) and the
-- figures proposed from it (candidates), each waiting for a person to accept,
-- correct or reject it. An accepted candidate links the figure it became (written
-- through the normal figure path, so its history names the extraction); a
-- rejected one keeps the reason. Nothing here is ever deleted.

CREATE TABLE extraction (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    document_id     bigint NOT NULL REFERENCES document (id),
    -- The text as submitted; spans count its characters (Python string offsets).
    text            text NOT NULL CHECK (text <> '' AND length(text) <= 200000),
    created_by      text NOT NULL CHECK (created_by <> ''),
    created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX extraction_document ON extraction (document_id);

CREATE TABLE extraction_candidate (
    extraction_id   bigint NOT NULL REFERENCES extraction (id),
    n               integer NOT NULL CHECK (n >= 1),
    -- The stated words' span in the text, and the sentence quoted.
    span_start      integer NOT NULL CHECK (span_start >= 0),
    span_end        integer NOT NULL,
    quote_start     integer NOT NULL CHECK (quote_start >= 0),
    quote_end       integer NOT NULL,
    -- Every proposed field with its own spans (place, period, source words), as JSON.
    proposal        jsonb NOT NULL CHECK (jsonb_typeof(proposal) = 'object'),
    -- Per field: how sure the extractor is (0-1), and why it chose the value.
    confidence      jsonb NOT NULL CHECK (jsonb_typeof(confidence) = 'object'),
    reasons         jsonb NOT NULL CHECK (jsonb_typeof(reasons) = 'object'),
    -- Sentences later in the text that contradict it.
    disputed_by     jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(disputed_by) = 'array'),
    state           text NOT NULL DEFAULT 'proposed' CHECK (state IN ('proposed', 'accepted', 'rejected')),
    figure_id       bigint REFERENCES figure (id),
    reject_reason   text CHECK (reject_reason <> ''),
    decided_by      text,
    decided_at      timestamptz,
    PRIMARY KEY (extraction_id, n),
    CONSTRAINT extraction_candidate_span_order CHECK (span_start < span_end AND quote_start < quote_end),
    CONSTRAINT extraction_candidate_accepted_has_figure CHECK ((state = 'accepted') = (figure_id IS NOT NULL)),
    CONSTRAINT extraction_candidate_rejected_has_reason CHECK ((state = 'rejected') = (reject_reason IS NOT NULL)),
    CONSTRAINT extraction_candidate_decided CHECK ((state = 'proposed') = (decided_at IS NULL))
);
CREATE UNIQUE INDEX extraction_candidate_figure ON extraction_candidate (figure_id) WHERE figure_id IS NOT NULL;
