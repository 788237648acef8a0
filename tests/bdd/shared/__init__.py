"""The thin core every context builds on: outcomes, the two ways in, the world, common steps."""
