-- Up Migration

-- Results and stage outputs name values by JSON Pointer into plain JSON of the schema's shape
-- (`data`), since schemas may nest. Rows written before that keyed flat fields by name:
-- `{fields: {name: {value, confidence}}}`. Their field names are plain identifiers (the flat form
-- allowed nothing else), so the pointer of a field is "/" followed by its name. A list field keeps
-- its list as one value at "/name".

-- Extract and review outputs: the values become `data`, the confidences a map by pointer.
UPDATE stage_outputs
   SET output = (output - 'fields')
       || jsonb_build_object(
            'data', coalesce((SELECT jsonb_object_agg(key, value -> 'value') FROM jsonb_each(output -> 'fields')), '{}'::jsonb),
            'confidence', coalesce((SELECT jsonb_object_agg('/' || key, value -> 'confidence') FROM jsonb_each(output -> 'fields')), '{}'::jsonb))
 WHERE stage IN ('extract', 'review') AND output ? 'fields' AND NOT output ? 'data';

-- A re-extraction (step > 0) held only the fields it was asked for: they are its paths.
UPDATE stage_outputs
   SET output = output || jsonb_build_object('paths', coalesce((SELECT jsonb_agg('/' || key) FROM jsonb_object_keys(output -> 'data') AS key), '[]'::jsonb))
 WHERE stage = 'extract' AND step > 0 AND NOT output ? 'paths';

-- The orchestrator's disputed fields, by pointer.
UPDATE stage_outputs
   SET output = output || jsonb_build_object('disputed', coalesce((SELECT jsonb_agg('/' || name) FROM jsonb_array_elements_text(output -> 'disputed') AS name), '[]'::jsonb))
 WHERE stage = 'review' AND EXISTS (SELECT 1 FROM jsonb_array_elements_text(output -> 'disputed') AS name WHERE name NOT LIKE '/%');

-- Verdicts by pointer.
UPDATE stage_outputs
   SET output = output || jsonb_build_object('verdicts', coalesce((SELECT jsonb_object_agg('/' || key, value) FROM jsonb_each(output -> 'verdicts')), '{}'::jsonb))
 WHERE stage = 'validate' AND EXISTS (SELECT 1 FROM jsonb_object_keys(output -> 'verdicts') AS key WHERE key NOT LIKE '/%');

-- Items' results: `data`, and fields, scoring and disputes keyed by pointer.
UPDATE ai_extraction_queue
   SET result = result
       || jsonb_build_object(
            'data', coalesce((SELECT jsonb_object_agg(key, value -> 'value') FROM jsonb_each(result -> 'fields')), '{}'::jsonb),
            'fields', coalesce((SELECT jsonb_object_agg('/' || key, value) FROM jsonb_each(result -> 'fields')), '{}'::jsonb))
       || CASE WHEN jsonb_typeof(result -> 'scoring') = 'object'
               THEN jsonb_build_object('scoring', coalesce((SELECT jsonb_object_agg('/' || key, value) FROM jsonb_each(result -> 'scoring')), '{}'::jsonb))
               ELSE '{}'::jsonb END
       || CASE WHEN jsonb_typeof(result -> 'disputed') = 'array'
               THEN jsonb_build_object('disputed', coalesce((SELECT jsonb_agg('/' || name) FROM jsonb_array_elements_text(result -> 'disputed') AS name), '[]'::jsonb))
               ELSE '{}'::jsonb END
 WHERE jsonb_typeof(result -> 'fields') = 'object' AND NOT result ? 'data';

-- Down Migration

-- Not reversible: a nested result has no flat form. Rows are left as they are.
SELECT 1;
