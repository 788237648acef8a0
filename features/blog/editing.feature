Feature: Editing and deleting posts
  The author, editors and admins edit a post; only the author and admins delete it. An edit
  based on an outdated copy is refused, and a post moved to a new address still answers at
  the old one.

  Background:
    Given a verified customer "ana@example.com" named "Ana"
    And a verified customer "bob@example.com" named "Bob"
    And an editor "eddie@example.com"
    And an admin "root@example.com"
    And "ana@example.com" has published a post "First draft of history"

  Scenario: The author retitles her post; its address stays
    Given "ana@example.com" is signed in
    When she retitles "First draft of history" to "History, revised"
    Then the request succeeds
    And the post is titled "History, revised"
    And the post is at the address "first-draft-of-history"

  Scenario: An edit from an outdated copy is refused
    Given "ana@example.com" is signed in
    And "eddie@example.com" is signed in
    And "ana@example.com" has read the post "First draft of history"
    And "eddie@example.com" retitles "First draft of history" to "Edited by Eddie"
    When "ana@example.com" retitles "First draft of history" to "Mine" from the version she read
    Then the request is refused as changed since it was read

  Scenario: An edit from the current copy applies
    Given "ana@example.com" is signed in
    And she has read the post "First draft of history"
    When she retitles "First draft of history" to "Still mine" from the version she read
    Then the request succeeds
    And the post is titled "Still mine"

  Scenario: A moved post answers at its old address with where it went
    Given "ana@example.com" is signed in
    When she moves "First draft of history" to the address "history"
    Then the post is at the address "history"
    When an anonymous visitor opens the address "first-draft-of-history"
    Then they are sent on to "history"

  Scenario: An address another post uses can't be taken
    Given "bob@example.com" has published a post "Taken"
    And "ana@example.com" is signed in
    When she moves "First draft of history" to the address "taken"
    Then the request is refused as conflict

  Scenario: Another customer can't edit the post
    Given "bob@example.com" is signed in
    When he retitles "First draft of history" to "Bob was here"
    Then the request is refused as forbidden

  Scenario: An editor edits anyone's post
    Given "eddie@example.com" is signed in
    When he retitles "First draft of history" to "Copy-edited"
    Then the request succeeds

  Scenario: An editor can't delete someone else's post
    Given "eddie@example.com" is signed in
    When he deletes the post "First draft of history"
    Then the request is refused as forbidden

  Scenario: An admin deletes a post and its comments go with it
    Given "bob@example.com" has commented "Nice" on "First draft of history"
    And the admin is signed in
    When the admin deletes the post "First draft of history"
    Then the request succeeds
    When an anonymous visitor reads the post "First draft of history"
    Then the request is refused as not found

  Scenario: The author deletes her post
    Given "ana@example.com" is signed in
    When she deletes the post "First draft of history"
    Then the request succeeds
