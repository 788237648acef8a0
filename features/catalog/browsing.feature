Feature: Browsing the catalog
  Anyone can browse the products on sale: search them by name, narrow them to a price range
  or to what is in stock, sort them and page through them. Products taken off sale are
  visible to staff only.

  Background:
    Given the catalog has these products:
      | name        | price  | stock | on sale |
      | Blue Mug    | $9.00  | 10    | yes     |
      | Red Plate   | $12.50 | 0     | yes     |
      | Green Bowl  | $4.00  | 3     | yes     |
      | Old Teapot  | $30.00 | 5     | no      |

  Scenario: Visitors see the products on sale, oldest first
    When an anonymous visitor browses the catalog
    Then the request succeeds
    And the listed products are "Blue Mug", "Red Plate", "Green Bowl"
    And the list counts 3 products in total on 1 page

  Scenario: Signed-in customers see only the products on sale too
    Given a verified customer "ana@example.com"
    And she is signed in
    When she browses the catalog
    Then the listed products are "Blue Mug", "Red Plate", "Green Bowl"

  Scenario: Staff also see the products off sale
    Given an editor "eddie@example.com"
    And he is signed in
    When he browses the catalog
    Then the listed products are "Blue Mug", "Red Plate", "Green Bowl", "Old Teapot"

  Scenario: A product off sale cannot be looked at by customers
    Given a verified customer "ana@example.com"
    And she is signed in
    When she looks at the product "Old Teapot"
    Then the request is refused as not found

  Scenario: Staff can look at a product off sale
    Given an admin "root@example.com"
    And the admin is signed in
    When the admin looks at the product "Old Teapot"
    Then the request succeeds
    And the returned product is "Old Teapot" priced $30.00 with 5 in stock

  Scenario: Anyone can look at a product on sale
    When an anonymous visitor looks at the product "Blue Mug"
    Then the request succeeds
    And the returned product is "Blue Mug" priced $9.00 with 10 in stock

  Scenario: Searching by name ignores case
    When an anonymous visitor browses the catalog matching "MUG"
    Then the listed products are "Blue Mug"

  Scenario: A search that matches nothing
    When an anonymous visitor browses the catalog matching "spoon"
    Then the request succeeds
    And the listed products are none
    And the list counts 0 products in total on 0 pages

  Scenario: A broad search counts its matches up to 200, then says "at least"
    Given the catalog has 201 more products on sale named "Walnut Box" and a number, at $5.00
    When an anonymous visitor browses the catalog matching "walnut"
    Then the request succeeds
    And the list counts at least 200 products on 10 pages

  Scenario: A search of up to 200 matches is counted exactly
    Given the catalog has 200 more products on sale named "Walnut Box" and a number, at $5.00
    When an anonymous visitor browses the catalog matching "walnut"
    Then the list counts 200 products in total on 10 pages

  Scenario: Narrowing to a price range, both ends included
    When an anonymous visitor browses the catalog priced from $9.00 up to $12.50
    Then the listed products are "Blue Mug", "Red Plate"

  Scenario: Narrowing to a maximum price
    When an anonymous visitor browses the catalog priced up to $9.00
    Then the listed products are "Blue Mug", "Green Bowl"

  Scenario: A price range that ends before it starts is refused
    When an anonymous visitor browses the catalog priced from $12.00 up to $5.00
    Then the request is refused as invalid

  Scenario: Only what is in stock
    When an anonymous visitor browses the catalog in stock only
    Then the listed products are "Blue Mug", "Green Bowl"

  Scenario: Cheapest first
    When an anonymous visitor browses the catalog sorted by "priceCents"
    Then the listed products are "Green Bowl", "Blue Mug", "Red Plate"

  Scenario: Most expensive first
    When an anonymous visitor browses the catalog sorted by "-priceCents"
    Then the listed products are "Red Plate", "Blue Mug", "Green Bowl"

  Scenario: By name
    When an anonymous visitor browses the catalog sorted by "name"
    Then the listed products are "Blue Mug", "Green Bowl", "Red Plate"

  Scenario: Newest first
    When an anonymous visitor browses the catalog sorted by "-createdAt"
    Then the listed products are "Green Bowl", "Red Plate", "Blue Mug"

  Scenario: Search, filters and sorting combine
    When an anonymous visitor browses the catalog matching "e", in stock only, priced up to $10.00 and sorted by "-name"
    Then the listed products are "Green Bowl", "Blue Mug"

  Scenario: Paging through the catalog
    When an anonymous visitor browses the catalog showing page 2 with 2 per page
    Then the listed products are "Green Bowl"
    And the list counts 3 products in total on 2 pages

  Scenario: Sorting by a field that cannot be sorted on is refused
    When an anonymous visitor browses the catalog sorted by "stock"
    Then the request is refused as invalid with a problem on "sort"

  Scenario: More than 100 products per page is refused
    When an anonymous visitor browses the catalog with 101 per page
    Then the request is refused as invalid with a problem on "limit"
