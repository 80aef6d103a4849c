"""The public record: pages anyone can read without signing in."""
