-- The relationship the worker judged after the latest session that said (不信任 → 接纳 → 专业关系).
ALTER TABLE cases ADD COLUMN relationship_stage text;
