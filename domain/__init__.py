"""Pure business model: entities, value objects, rules and errors. Standard library only."""
