Feature: Commenting
  Signed-in people comment on published posts; anyone reads the comments, oldest first. The
  comment's author, the post's author, editors and admins remove a comment.

  Background:
    Given a verified customer "ana@example.com" named "Ana"
    And a verified customer "bob@example.com" named "Bob"
    And a verified customer "cat@example.com" named "Cat"
    And an editor "eddie@example.com"
    And "ana@example.com" has published a post "Open thread"

  Scenario: Comments are shown oldest first and counted on the post
    Given "bob@example.com" has commented "First!" on "Open thread"
    And "cat@example.com" has commented "Second." on "Open thread"
    When an anonymous visitor reads the comments on "Open thread"
    Then the comments shown are "First!", "Second."
    And the list counts 2 comments in total on 1 page
    When an anonymous visitor reads the post "Open thread"
    Then the post counts 2 comments

  Scenario: A signed-in reader comments
    Given "bob@example.com" is signed in
    When he comments "Well said" on "Open thread"
    Then the request succeeds

  Scenario: A comment can't be empty or longer than 5,000 characters
    Given "bob@example.com" is signed in
    When he comments "   " on "Open thread"
    Then the request is refused as invalid with a problem on "content"
    When he comments 5001 characters on "Open thread"
    Then the request is refused as invalid with a problem on "content"
    When he comments 5000 characters on "Open thread"
    Then the request succeeds

  Scenario: Drafts take no comments
    Given "ana@example.com" has a draft "Not yet"
    And "bob@example.com" is signed in
    When he comments "Early" on "Not yet"
    Then the request is refused as not found

  Scenario: Anonymous visitors can't comment
    When an anonymous visitor comments "Hi" on "Open thread"
    Then the request is refused as unauthorized

  Scenario: Commenting too fast is refused for a while
    Given "bob@example.com" is signed in
    When he comments 11 times on "Open thread"
    Then the request is refused as rate limited

  Scenario Outline: Who may remove a comment
    Given "bob@example.com" has commented "Hmm" on "Open thread"
    And "<who>" is signed in
    When "<who>" deletes the comment "Hmm"
    Then the request <result>

    Examples:
      | who               | result                     |
      | bob@example.com   | succeeds                   |
      | ana@example.com   | succeeds                   |
      | eddie@example.com | succeeds                   |
      | cat@example.com   | is refused as forbidden    |
