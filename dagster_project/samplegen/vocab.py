"""The fixed vocabulary of the simulated world: sites, pages, words, anchors, titles, keywords.

Everything here is data, not logic, so the story in `__init__` can be read off this file.
"""

from __future__ import annotations

import datetime as dt

SITE = "knifecraft.co.uk"
COMPETITORS = ("bladeworks.com", "chefsedge.de", "sharpstore.com")
SITES = (SITE, *COMPETITORS)

# Snapshot dates every tool family exports (monthly), and the velocity spike week (Mon..Sun).
SNAPSHOTS = (dt.date(2026, 8, 1), dt.date(2026, 9, 1), dt.date(2026, 10, 1))
SPIKE_WEEK = dt.date(2026, 8, 17)
HISTORY_START = dt.date(2025, 4, 1)  # vendor first_seen dates spread over ~18 months
LAST_DAY = dt.date(2026, 9, 30)
# A link that one tool (Ahrefs) reports lost while the others still see it live.
FALSE_LOST_AT = dt.date(2026, 9, 24)

BRANDS = {
    SITE: ("KnifeCraft", "Knife Craft", "knifecraft", "KNIFECRAFT", "KnifeCraft UK", "Knife Craft's", "Knífecraft"),
    "bladeworks.com": ("BladeWorks", "Blade Works", "bladeworks"),
    "chefsedge.de": ("Chef's Edge", "ChefsEdge", "chefsedge"),
    "sharpstore.com": ("SharpStore", "Sharp Store", "sharpstore"),
}

# Each site's base URL (scheme + host as the site itself uses it) and its pages by topic.
# Pages of the site that answer 4xx/5xx on the last snapshot, as Ahrefs' broken-backlinks export
# reports them (the links to them are still live): a discontinued product, the outdoor collection
# taken down (the site loses `bushcraft knife` that month), the gift sets page removed.
BROKEN_PAGES: dict[str, int] = {
    "/products/santoku-180-vg10": 404,
    "/collections/outdoor-knives": 404,
    "/gifts/knife-sets": 410,
}
BASE_URL = {
    SITE: "https://www.knifecraft.co.uk",
    "bladeworks.com": "https://bladeworks.com",
    "chefsedge.de": "https://www.chefsedge.de",
    "sharpstore.com": "https://www.sharpstore.com",
}
PAGES: dict[str, dict[str, tuple[str, ...]]] = {
    SITE: {
        "general": ("/",),
        "knives": (
            "/collections/chef-knives",
            "/collections/japanese-knives",
            "/products/gyuto-210-damascus",
            "/products/santoku-180-vg10",
        ),
        "cooking": ("/blog/how-to-choose-a-chef-knife", "/blog/knife-care-guide"),
        "outdoor": ("/collections/outdoor-knives",),
        "gifts": ("/gifts/knife-sets",),
        # the site has no sharpening page: links about sharpening land on the home page
    },
    "bladeworks.com": {
        "general": ("/",),
        "knives": ("/chef-knives/", "/japanese-knives/"),
        "cooking": ("/blog/knife-skills-101/",),
        "sharpening": ("/sharpening/whetstones/", "/sharpening/honing-rods/", "/blog/how-to-sharpen-a-knife/"),
        "outdoor": ("/outdoor/bushcraft-knives/",),
        "gifts": ("/gift-sets/",),
    },
    "chefsedge.de": {
        "general": ("/",),
        "knives": ("/messer/kochmesser/", "/messer/santoku/"),
        "cooking": ("/ratgeber/schneidetechniken/",),
        "sharpening": (
            "/schleifen/wetzstein-1000-6000/",
            "/ratgeber/messer-schleifen/",
            "/en/whetstone-sharpening-guide/",
        ),
        "outdoor": ("/messer/outdoor/",),
        "gifts": ("/geschenke/messersets/",),
    },
    "sharpstore.com": {
        "general": ("/",),
        "knives": ("/knives/chef-knives",),
        "cooking": ("/blog/kitchen-knife-basics",),
        "sharpening": (
            "/whetstones/",
            "/honing-rods/",
            "/guides/sharpening-angle-guide",
            "/guides/how-to-use-a-whetstone",
        ),
        "outdoor": ("/outdoor/",),
        "gifts": ("/gifts/",),
    },
}

TOPICS = ("knives", "cooking", "sharpening", "outdoor", "gifts", "general")

# Domain-name building blocks per topic (words are glued, sometimes hyphenated).
NAME_WORDS = {
    "knives": ("knife", "blade", "edge", "steel", "cutlery", "hamono", "santoku", "gyuto", "carbon", "forge"),
    "cooking": ("kitchen", "cook", "recipe", "food", "chef", "pantry", "supper", "bistro", "homecook", "foodie"),
    "sharpening": ("whetstone", "sharp", "hone", "strop", "grit", "edgepro", "sharpening", "keen"),
    "outdoor": ("trail", "camp", "bushcraft", "outdoor", "wild", "hike", "edc", "survival", "woodland"),
    "gifts": ("gift", "present", "wedding", "homeware", "living", "giftguide"),
    "general": ("daily", "news", "times", "post", "review", "guide", "journal", "magazine", "life", "style"),
}
NAME_SUFFIXES = (
    "hub",
    "lab",
    "world",
    "central",
    "corner",
    "notes",
    "journal",
    "review",
    "guide",
    "blog",
    "life",
    "talk",
    "forum",
    "mag",
    "hq",
    "insider",
)
# TLDs with the language their sites are written in.
TLDS = (
    ("com", "en"),
    ("com", "en"),
    ("com", "en"),
    ("co.uk", "en"),
    ("co.uk", "en"),
    ("net", "en"),
    ("org", "en"),
    ("blog", "en"),
    ("io", "en"),
    ("de", "de"),
    ("de", "de"),
    ("at", "de"),
    ("es", "es"),
    ("com.mx", "es"),
    ("fr", "fr"),
    ("it", "it"),
    ("nl", "nl"),
    ("co.il", "he"),
)
SPAM_TLDS = ("xyz", "top", "click", "icu", "buzz", "online", "site", "loan")
SPAM_WORDS = ("best", "cheap", "top", "buy", "free", "mega", "hot", "deal", "seo", "link", "promo", "discount")
SPAM_SUBNET = "185.212.47"  # the toxic cluster's shared /24

# Special hosts sprinkled into the background (IDN, platforms, mixed case in some tools).
IDN_HOSTS = (
    ("bücher-messer.de", "de", "knives"),
    ("קטן.example.org", "he", "cooking"),
    ("www.küchenprofi-blog.de", "de", "cooking"),
    ("cuchillería-online.es", "es", "knives"),
    ("couteaux-français.fr", "fr", "knives"),
)
PLATFORM_SUFFIXES = ("blogspot.com", "wordpress.com")
# One old http:// page that Semrush spells `HTTP://WWW.KitchenGadgetReview.com:80/...?utm_source=x#top`.
QUIRKY_HOST = "www.kitchengadgetreview.com"
# A famous domain configured in `disavow.never`: many outlinks, nofollow — never to be disavowed.
NEVER_DISAVOW_HOST = "www.bbc.co.uk"

GENERIC_ANCHORS = {
    "en": ("click here", "here", "read more", "website", "this site", "more info", "visit", "source", "link"),
    "de": ("hier", "hier klicken", "mehr erfahren", "Webseite", "weiterlesen"),
    "es": ("aquí", "haz clic aquí", "leer más", "sitio web", "fuente"),
    "fr": ("ici", "cliquez ici", "en savoir plus", "site"),
    "it": ("qui", "clicca qui", "leggi di più"),
    "nl": ("hier", "klik hier", "lees meer"),
    "he": ("כאן", "לחצו כאן"),
}
EXACT_ANCHORS = {
    "knives": ("chef knife", "japanese knife", "santoku knife", "knife set"),
    "cooking": ("chef knife", "kitchen knives"),
    "outdoor": ("bushcraft knife",),
    "gifts": ("knife set",),
    "general": ("chef knife", "japanese knife"),
    "sharpening": ("whetstone", "knife sharpening", "honing rod"),
}
PARTIAL_ANCHORS = {
    "knives": (
        "the best chef knife I've owned",
        "this japanese knife shop",
        "a great chef knife for beginners",
        "japanese knife guide",
        "santoku knife review",
        "damascus chef knife",
        "Kochmesser aus Japan",
    ),
    "cooking": ("the chef knife we use in class", "kitchen knives for home cooks", "good knife set for a new kitchen"),
    "outdoor": ("a solid bushcraft knife", "bushcraft knife under £100"),
    "gifts": ("knife set gift ideas", "a knife set for the wedding list"),
    "general": ("chef knife shop", "japanese knife retailer"),
    "sharpening": (
        "how to sharpen a knife with a whetstone",
        "whetstone sharpening guide",
        "honing vs sharpening",
        "1000/6000 whetstone",
        "Messer schleifen mit Wetzstein",
        "cómo afilar un cuchillo",
    ),
}
TOXIC_ANCHORS = (
    "buy chef knife cheap",
    "cheap japanese knife",
    "chef knife",
    "best knife set deals",
    "japanese knife sale",
    "buy kitchen knives online",
    "cheap knife set",
)

TITLES = {
    "knives": (
        "Best Chef Knives of 2026 (Tested)",
        "Japanese vs German Knives",
        "Santoku Knife Review",
        "What's in My Knife Roll",
        "Gyuto Buying Guide",
    ),
    "cooking": (
        "How to Dice an Onion Like a Chef",
        "Kitchen Essentials for New Cooks",
        "Easy Weeknight Recipes",
        "Knife Skills 101",
    ),
    "sharpening": (
        "How to Sharpen a Knife with a Whetstone",
        "Honing vs Sharpening Explained",
        "Best Whetstones for Beginners",
        "1000/6000 Grit Whetstone Review",
        "Sharpening Angles Guide",
    ),
    "outdoor": (
        "Bushcraft Knife Buying Guide",
        "Camping Kitchen Checklist",
        "EDC Knives Under £100",
        "Wild Camping Gear List",
    ),
    "gifts": ("Gift Ideas for Home Cooks", "Wedding Gift Guide 2026", "Christmas Gifts for Foodies"),
    "general": ("Weekend Reading", "Our Favourite Shops", "Links Roundup", "Small Business Spotlight", "Resources"),
    "spam": (
        "Best Knife Deals 2026 - Cheap Chef Knife Buy Now",
        "Top 10 Knife Sites | Free Directory",
        "Kitchen Knives Discount Codes",
        "Buy Japanese Knives Cheap Online",
    ),
}
# Titles of pages written in other languages (topic -> titles); other topics use the English ones.
LOCAL_TITLES = {
    "de": {
        "knives": ("Die besten Kochmesser 2026", "Santoku oder Gyuto?"),
        "cooking": ("Kochen lernen: Schneidetechniken",),
        "sharpening": ("Messer schleifen: Anleitung", "Wetzstein Test 2026"),
        "general": ("Linktipps der Woche",),
    },
    "es": {
        "knives": ("Los mejores cuchillos de chef", "Cuchillos japoneses: guía"),
        "cooking": ("Recetas fáciles de cocina",),
        "sharpening": ("Cómo afilar cuchillos con piedra",),
    },
    "fr": {"knives": ("Les meilleurs couteaux de chef",), "sharpening": ("Aiguiser un couteau à la pierre",)},
    "he": {"cooking": ("מתכונים קלים למטבח",)},
}
SECTIONS = {
    "knives": ("reviews", "guides", "blog", "messer"),
    "cooking": ("recipes", "blog", "kitchen", "tips"),
    "sharpening": ("sharpening", "guides", "blog", "tutorials"),
    "outdoor": ("gear", "blog", "camping"),
    "gifts": ("gift-guides", "blog"),
    "general": ("blog", "links", "news", "resources"),
    "spam": ("go", "deals", "links", "p"),
}
# Majestic topical trust flow categories per topic (DMOZ-style paths).
MAJESTIC_TOPICS = {
    "knives": ("Shopping/Home and Garden", "Recreation/Knives"),
    "cooking": ("Recreation/Food", "Home/Cooking"),
    "sharpening": ("Home/Cooking/Equipment", "Recreation/Knives"),
    "outdoor": ("Recreation/Outdoors", "Sports/Hunting"),
    "gifts": ("Shopping/Gifts",),
    "general": ("News/Newspapers", "Arts/Online Writing"),
    "spam": ("Computers/Internet/Web Design and Development", "Business/Marketing and Advertising"),
}
AHREFS_PLATFORMS = ("wordpress", "", "", "shopify", "blogs", "")

# Ranking keywords: (keyword, topic, search volume, KD, CPC, intents).
KEYWORDS = (
    ("chef knife", "knives", 14800, 62, 1.35, "commercial"),
    ("best chef knife uk", "knives", 2400, 48, 1.10, "commercial"),
    ("gyuto knife", "knives", 1900, 35, 0.95, "commercial"),
    ("japanese knife", "knives", 12100, 58, 1.20, "commercial"),
    ("santoku knife", "knives", 6600, 44, 0.90, "commercial"),
    ("damascus chef knife", "knives", 3600, 39, 1.45, "commercial, transactional"),
    ("knife set", "gifts", 9900, 55, 1.60, "transactional"),
    ("how to choose a chef knife", "cooking", 720, 18, 0.40, "informational"),
    ("knife care", "cooking", 1300, 22, 0.30, "informational"),
    ("bushcraft knife", "outdoor", 2900, 41, 0.85, "commercial"),
    ("whetstone", "sharpening", 18100, 52, 0.75, "commercial"),
    ("how to sharpen a knife", "sharpening", 22200, 47, 0.35, "informational"),
    ("honing rod", "sharpening", 4400, 33, 0.60, "commercial"),
    ("1000 grit whetstone", "sharpening", 1300, 25, 0.70, "commercial"),
    ("knifecraft", "general", 880, 5, 0.20, "navigational"),
    ("knife craft", "general", 320, 8, 0.25, "navigational"),
)
