Feature: Counting a static site's visits
  A page's script adds a hit to a named counter with its site's API key and shows the
  count. Hits are exact: every visit counts once. Reading a count or showing its badge
  adds nothing.

  Background:
    Given an API key "blog" for the counters "home, about"

  Scenario: The first hit creates the counter at 1
    When a page hits the counter "home" with the key "blog"
    Then the counter shows 1

  Scenario: Hits add up
    Given the counter "home" has had 2 hits with the key "blog"
    When a page hits the counter "home" with the key "blog"
    Then the counter shows 3

  Scenario: Reading a counter adds no hit
    Given the counter "home" has had 2 hits with the key "blog"
    When a page reads the counter "home" with the key "blog"
    Then the counter shows 2

  Scenario: A counter never hit can't be read
    When a page reads the counter "about" with the key "blog"
    Then the request is refused as not found

  Scenario: The badge shows the count without adding a hit
    Given the counter "home" has had 2 hits with the key "blog"
    When a page shows the badge of the counter "home" with the key "blog"
    Then the badge shows 2
    When a page reads the counter "home" with the key "blog"
    Then the counter shows 2

  Scenario: The badge of a counter never hit shows 0
    When a page shows the badge of the counter "about" with the key "blog"
    Then the badge shows 0

  Scenario: A key without counters may count any counter
    Given an API key "everything"
    When a page hits the counter "anything-else" with the key "everything"
    Then the counter shows 1
