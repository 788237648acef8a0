Feature: Browsing, tags, search and the feed
  Anyone reads published posts: newest first, by tag, by full-text search over title and
  content (words match their other forms), and in an Atom feed. Tags are counted over
  published posts only.

  Background:
    Given a verified customer "ana@example.com" named "Ana"
    And "ana@example.com" has published a post "Morning runs" tagged "running, health" saying "I run every day before work."
    And "ana@example.com" has published a post "Tea" tagged "health" saying "Green tea and running shoes."
    And "ana@example.com" has published a post "Cooking" tagged "food" saying "Pasta for running clubs."
    And "ana@example.com" has a draft "Secret running plans" tagged "running" saying "Running a marathon."

  Scenario: Visitors see published posts, newest first
    When an anonymous visitor lists the posts
    Then the listed posts are "Cooking", "Tea", "Morning runs"
    And the list counts 3 posts in total on 1 page

  Scenario: Posts by tag
    When an anonymous visitor lists the posts tagged "Health"
    Then the listed posts are "Tea", "Morning runs"

  Scenario: Search finds other forms of a word, title matches first, never drafts
    When an anonymous visitor searches the posts for "running"
    Then the listed posts are "Morning runs", "Cooking", "Tea"

  Scenario: Every word searched must match
    When an anonymous visitor searches the posts for "green tea"
    Then the listed posts are "Tea"

  Scenario: A search nothing matches
    When an anonymous visitor searches the posts for "zebra"
    Then the listed posts are none

  Scenario: Tags are counted over published posts, most used first
    When an anonymous visitor looks at the tags
    Then the tags counted are "health" 2, "food" 1, "running" 1

  Scenario: The feed lists the latest published posts
    When an anonymous visitor reads the feed
    Then the feed lists "Cooking", "Tea", "Morning runs"
