Feature: Writing and publishing posts
  Signed-in people write posts. A post is a draft until it is published; its address (slug)
  comes from its title, and a title already used gets a numbered address.

  Background:
    Given a verified customer "ana@example.com" named "Ana"
    And she is signed in

  Scenario: A post is a draft until published, at an address made from its title
    When she writes a post "Hello, World: Première fois!"
    Then the request succeeds
    And the post is at the address "hello-world-premiere-fois"
    And the post is a draft

  Scenario: A post can be published as it is written
    When she writes a post "Launch day" and publishes it
    Then the post is published

  Scenario: A draft is published later
    Given she has a draft "Slow thoughts"
    When she publishes "Slow thoughts"
    Then the request succeeds
    And the post is published

  Scenario: A title already used gets the next free numbered address
    Given she has published a post "Weekly notes"
    And she has published a post "Weekly notes"
    When she writes a post "Weekly notes"
    Then the post is at the address "weekly-notes-3"

  Scenario: A title with nothing to make an address from gets a plain one
    When she writes a post "¿¡!?"
    Then the post is at the address "post"

  Scenario: Tags are lower-cased, trimmed and kept once
    When she writes a post "Tagged" tagged "Python, python ,  News"
    Then the post is tagged "python", "news"

  Scenario: A post has at most ten tags
    When she writes a post "Too many" with 11 different tags
    Then the request is refused as invalid with a problem on "tags"

  Scenario: A post needs a title
    When she writes a post ""
    Then the request is refused as invalid with a problem on "title"

  Scenario: Anonymous visitors can't write
    When an anonymous visitor writes a post "Spam"
    Then the request is refused as unauthorized
