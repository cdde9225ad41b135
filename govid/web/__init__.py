"""The site around the concerns: layout, branding, language switch, error pages."""
