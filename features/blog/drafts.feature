Feature: Who sees drafts
  A draft is visible to its author, editors and admins only; to anyone else it does not
  exist. Authors list their own drafts; editors and admins list every draft.

  Background:
    Given a verified customer "ana@example.com" named "Ana"
    And a verified customer "bob@example.com" named "Bob"
    And an editor "eddie@example.com"
    And an admin "root@example.com"
    And "ana@example.com" has published a post "Out now"
    And "ana@example.com" has a draft "Work in progress"

  Scenario: Anonymous visitors don't see drafts
    When an anonymous visitor reads the post "Work in progress"
    Then the request is refused as not found

  Scenario: Another customer doesn't see drafts
    Given "bob@example.com" is signed in
    When he reads the post "Work in progress"
    Then the request is refused as not found

  Scenario Outline: The author, editors and admins see the draft
    Given "<who>" is signed in
    When "<who>" reads the post "Work in progress"
    Then the request succeeds
    And the post is a draft

    Examples:
      | who               |
      | ana@example.com   |
      | eddie@example.com |
      | root@example.com  |

  Scenario: The author lists her own posts, drafts included
    Given "ana@example.com" is signed in
    When she lists her own posts
    Then the listed posts are "Out now", "Work in progress"

  Scenario: Others list only published posts
    Given "bob@example.com" is signed in
    When he lists the posts
    Then the listed posts are "Out now"

  Scenario: Editors list the drafts
    Given "eddie@example.com" is signed in
    When he lists the drafts
    Then the listed posts are "Work in progress"

  Scenario: Customers can't list every draft
    Given "bob@example.com" is signed in
    When he lists the drafts
    Then the request is refused as forbidden

  Scenario: Nobody can comment on a draft, and its comments aren't shown
    When an anonymous visitor reads the comments on "Work in progress"
    Then the request is refused as not found
